import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groupMembers } from './schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { seedGroup } from '../users/testing.js';
import { onMembershipChange } from './index.js';

/**
 * Every change to who belongs to which group tells the membership listeners, inside the change's transaction. The
 * listener here records who changed and what it saw of their memberships from inside that transaction.
 */
const heard: { userId: string; groups: string[] }[] = [];
let failing = false;
// Workers run file after file in one process (vitest.config.ts), so the registration ends with this file.
let unregister: () => void;
beforeAll(() => {
  unregister = onMembershipChange('test_listener', async (tx, { userIds }) => {
    if (failing) throw new Error('the test listener refuses');
    for (const userId of userIds) {
      const rows = await tx.select().from(groupMembers).where(eq(groupMembers.userId, userId));
      heard.push({ userId, groups: rows.map((r) => r.groupId).sort() });
    }
  });
});
afterAll(() => unregister());

let t: TestApp;
let adminCookie: string;
beforeEach(async () => {
  heard.length = 0;
  failing = false;
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const call = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: asBrowser(adminCookie), ...(payload ? { payload } : {}) });
const groupsOf = async (userId: string) =>
  (await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, userId))).map((r) => r.groupId).sort();

describe('membershipChanged on every membership change', () => {
  it('the users page: setting the groups', async () => {
    const person = await seedUser(t.handle);
    const a = await seedGroup(t.handle, 'A');
    await seedGroup(t.handle, 'B', [], [person.id]);
    expect((await call('PATCH', `/api/v1/admin/users/${person.id}`, { groupIds: [a.id] })).statusCode).toBe(200);
    // Leaving B, then joining A.
    expect(heard).toEqual([
      { userId: person.id, groups: [] },
      { userId: person.id, groups: [a.id] },
    ]);
    expect(await groupsOf(person.id)).toEqual([a.id]);
  });

  it('a new account created with groups', async () => {
    const a = await seedGroup(t.handle, 'A');
    const res = await call('POST', '/api/v1/admin/users', { name: 'Jo', email: 'jo@example.com', username: 'jo', roleIds: [], groupIds: [a.id] });
    expect(res.statusCode).toBe(201);
    expect(heard).toEqual([{ userId: res.json().user.id, groups: [a.id] }]);
  });

  it('the groups page: adding and removing members', async () => {
    const person = await seedUser(t.handle);
    const group = await seedGroup(t.handle, 'A');
    expect((await call('POST', `/api/v1/admin/groups/${group.id}/members`, { userIds: [person.id] })).statusCode).toBe(200);
    expect(heard).toEqual([{ userId: person.id, groups: [group.id] }]);
    expect((await call('DELETE', `/api/v1/admin/groups/${group.id}/members/${person.id}`)).statusCode).toBe(204);
    expect(heard.at(-1)).toEqual({ userId: person.id, groups: [] });
  });

  it('a deleted group: every member is heard of', async () => {
    const [one, two] = [await seedUser(t.handle), await seedUser(t.handle)];
    const group = await seedGroup(t.handle, 'A', [], [one.id, two.id]);
    expect((await call('DELETE', `/api/v1/admin/groups/${group.id}`)).statusCode).toBe(204);
    expect(heard.sort((x, y) => x.userId.localeCompare(y.userId))).toEqual(
      [one.id, two.id].sort().map((userId) => ({ userId, groups: [] })),
    );
  });

  it('bulk: adding and removing a group', async () => {
    const person = await seedUser(t.handle);
    const group = await seedGroup(t.handle, 'A');
    const bulk = (type: string) => call('POST', '/api/v1/admin/users/bulk', { userIds: [person.id], action: { type, groupId: group.id } });
    expect((await bulk('add_group')).statusCode).toBe(200);
    expect(heard).toEqual([{ userId: person.id, groups: [group.id] }]);
    expect((await bulk('remove_group')).statusCode).toBe(200);
    expect(heard.at(-1)).toEqual({ userId: person.id, groups: [] });
  });

  it('a deleted account leaves its groups', async () => {
    const person = await seedUser(t.handle);
    await seedGroup(t.handle, 'A', [], [person.id]);
    expect((await call('DELETE', `/api/v1/admin/users/${person.id}`)).statusCode).toBe(204);
    expect(heard).toEqual([{ userId: person.id, groups: [] }]);
  });

  it('CSV import: people created into groups', async () => {
    const group = await seedGroup(t.handle, 'Night shift');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users/import',
      headers: { ...asBrowser(adminCookie), 'content-type': 'text/csv' },
      payload: 'name,email,username,roles,groups\nJo,jo@example.com,jo,,Night shift\nMo,mo@example.com,mo,,\n',
    });
    expect(res.statusCode).toBe(200);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.groups).toEqual([group.id]);
  });
});

describe('membershipChanged runs in the transaction of the change', () => {
  it('a listener that fails undoes the membership change', async () => {
    const person = await seedUser(t.handle);
    const group = await seedGroup(t.handle, 'A', [], [person.id]);
    const other = await seedGroup(t.handle, 'B');
    failing = true;
    expect((await call('POST', `/api/v1/admin/groups/${other.id}/members`, { userIds: [person.id] })).statusCode).toBe(500);
    expect((await call('PATCH', `/api/v1/admin/users/${person.id}`, { groupIds: [] })).statusCode).toBe(500);
    expect((await call('DELETE', `/api/v1/admin/groups/${group.id}`)).statusCode).toBe(500);
    expect(await groupsOf(person.id)).toEqual([group.id]);
  });
});
