import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { seedGroup } from '../users/testing.js';
import { heldCatalogue } from './held-access.js';
import { groupMembers, groupRoles, roles, userRoles } from './schema.js';

/**
 * The session check takes permissions from the role catalogue this process keeps, not from the database on every
 * request (held-access.ts): whatever changes roles, the roles groups carry, or who holds which, the next request
 * sees it. The changes here are made straight in the tables, as any path (or another instance) would.
 */
let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const newRole = async (name: string, permissions: string[]) =>
  (await t.handle.db.insert(roles).values({ name, permissions }).returning())[0]!;

async function me(cookie: string): Promise<{ roles: { name: string }[]; permissions: string[] }> {
  const reply = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
  expect(reply.statusCode).toBe(200);
  return reply.json().user;
}

describe('held access on the very next request', () => {
  it("follows a role's permissions and name", async () => {
    const role = await newRole('Readers', ['users.read']);
    const person = await seedUser(t.handle, { roleIds: [role.id] });
    const cookie = await signIn(t.app, person.email);
    expect(await me(cookie)).toMatchObject({ roles: [{ name: 'Readers' }], permissions: ['users.read'] });

    await t.handle.db.update(roles).set({ permissions: ['audit.read'] }).where(eq(roles.id, role.id));
    expect((await me(cookie)).permissions).toEqual(['audit.read']);
    await t.handle.db.update(roles).set({ name: 'Auditors' }).where(eq(roles.id, role.id));
    expect((await me(cookie)).roles).toEqual([{ id: role.id, name: 'Auditors' }]);
  });

  it('follows roles given and taken away, and orders them by name', async () => {
    const readers = await newRole('Readers', ['users.read']);
    const auditors = await newRole('Auditors', ['audit.read']);
    const person = await seedUser(t.handle, { roleIds: [readers.id] });
    const cookie = await signIn(t.app, person.email);
    await t.handle.db.insert(userRoles).values({ userId: person.id, roleId: auditors.id });
    expect(await me(cookie)).toMatchObject({ roles: [{ name: 'Auditors' }, { name: 'Readers' }], permissions: ['audit.read', 'users.read'] });
    await t.handle.db.delete(userRoles).where(and(eq(userRoles.userId, person.id), eq(userRoles.roleId, readers.id)));
    expect(await me(cookie)).toMatchObject({ roles: [{ name: 'Auditors' }], permissions: ['audit.read'] });
  });

  it("follows a group's roles and its members, without listing group roles as held directly", async () => {
    const readers = await newRole('Readers', ['users.read']);
    const person = await seedUser(t.handle);
    const group = await seedGroup(t.handle, 'Support', [readers.id]);
    const cookie = await signIn(t.app, person.email);
    expect((await me(cookie)).permissions).toEqual([]);

    await t.handle.db.insert(groupMembers).values({ groupId: group.id, userId: person.id, addedAt: new Date() });
    expect(await me(cookie)).toMatchObject({ roles: [], permissions: ['users.read'] });
    await t.handle.db.insert(groupRoles).values({ groupId: group.id, roleId: (await newRole('Auditors', ['audit.read'])).id });
    expect((await me(cookie)).permissions).toEqual(['audit.read', 'users.read']);
    await t.handle.db.delete(groupRoles).where(eq(groupRoles.groupId, group.id));
    expect((await me(cookie)).permissions).toEqual([]);
    await t.handle.db.insert(groupRoles).values({ groupId: group.id, roleId: readers.id });
    await t.handle.db.delete(groupMembers).where(eq(groupMembers.userId, person.id));
    expect((await me(cookie)).permissions).toEqual([]);
  });

  it('reads the catalogue again only once roles or group roles changed', async () => {
    const person = await seedUser(t.handle, { roles: ['viewer'] });
    const cookie = await signIn(t.app, person.email);
    await me(cookie);
    const before = heldCatalogue();
    await me(cookie);
    await t.handle.db.insert(groupMembers).values({ groupId: (await seedGroup(t.handle, 'Plain')).id, userId: person.id, addedAt: new Date() });
    await me(cookie);
    expect(heldCatalogue()).toBe(before);

    await t.handle.db.execute(sql`update roles set description = description`);
    await me(cookie);
    expect(heldCatalogue()).not.toBe(before);
    expect(heldCatalogue()!.stamp).not.toBe(before!.stamp);
  });
});
