import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  assignGroups,
  builtinRoleId,
  groupMembers,
  roles,
  userRoles,
  type Grantor,
  type UserRow,
} from '../accounts/index.js';
import { systemContext, type AuditContext } from '../audit/index.js';
import { auditEvents } from '../audit/schema.js';
import { actorFor, asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';

let t: TestApp;
const setUserGroups = (tx: TestApp['handle']['db'], audit: AuditContext, actor: Grantor | null, userId: string, groupIds: string[]) =>
  assignGroups(tx, { audit, config: t.config }, actor, userId, groupIds).then((a) => a.held);
let admin: UserRow;
let adminCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const post = (cookie: string, url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, headers: asBrowser(cookie), payload: payload as object });
const patch = (cookie: string, url: string, payload: unknown) =>
  t.app.inject({ method: 'PATCH', url, headers: asBrowser(cookie), payload: payload as object });
const del = (cookie: string, url: string) => t.app.inject({ method: 'DELETE', url, headers: asBrowser(cookie) });
const get = (cookie: string, url: string) => t.app.inject({ url, headers: { cookie } });

async function createGroup(cookie: string, name: string, roleIds: string[] = []) {
  const res = await post(cookie, '/api/v1/admin/groups', { name, roleIds });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string };
}

const addMembers = (cookie: string, groupId: string, userIds: string[]) =>
  post(cookie, `/api/v1/admin/groups/${groupId}/members`, { userIds });

/** A signed-in user holding exactly a custom role with these permissions. */
async function signedInWith(permissions: string[], profile: 'member' | 'external' = 'member') {
  const [role] = await t.handle.db
    .insert(roles)
    .values({ name: `Custom ${Math.random()}`, permissions, createdAt: new Date() })
    .returning();
  const user = await seedUser(t.handle, { roleIds: [role!.id], profile });
  return { user, cookie: await signIn(t.app, user.email) };
}


const permissionsOfMe = async (cookie: string): Promise<string[]> => (await get(cookie, '/api/v1/me')).json().user.permissions;

describe('groups', () => {
  it('are created, listed, read, renamed and deleted, each change audited', async () => {
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const created = await post(adminCookie, '/api/v1/admin/groups', { name: ' Support ', description: 'Front line', roleIds: [viewer] });
    expect(created.statusCode, created.body).toBe(201);
    const group = created.json();
    expect(group).toMatchObject({ name: 'Support', description: 'Front line', roles: [{ id: viewer, name: 'Viewer' }], memberCount: 0 });
    await createGroup(adminCookie, 'auditors');
    await createGroup(adminCookie, 'Berlin office');

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(adminCookie, `/api/v1/admin/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      names.push(...page.json().items.map((g: { name: string }) => g.name));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(names).toEqual(['auditors', 'Berlin office', 'Support']);
    expect((await get(adminCookie, '/api/v1/admin/groups?q=berl')).json().items.map((g: { name: string }) => g.name)).toEqual([
      'Berlin office',
    ]);

    const renamed = await patch(adminCookie, `/api/v1/admin/groups/${group.id}`, { name: 'Helpdesk', roleIds: [] });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Helpdesk', description: 'Front line', roles: [] });

    expect((await del(adminCookie, `/api/v1/admin/groups/${group.id}`)).statusCode).toBe(204);
    expect((await get(adminCookie, `/api/v1/admin/groups/${group.id}`)).statusCode).toBe(404);
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, group.id)).orderBy(auditEvents.id);
    expect(events.map((e) => e.action)).toEqual(['group.created', 'group.updated', 'group.deleted']);
    expect(events[1]!.details).toMatchObject({ name: { from: 'Support', to: 'Helpdesk' }, roleIds: { removed: [viewer] } });
  });

  it('have names unique regardless of case', async () => {
    await createGroup(adminCookie, 'Support');
    const clash = await post(adminCookie, '/api/v1/admin/groups', { name: 'SUPPORT' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({ code: 'group_name_taken', details: { fields: { name: expect.any(String) } } });
    const other = await createGroup(adminCookie, 'Sales');
    expect((await patch(adminCookie, `/api/v1/admin/groups/${other.id}`, { name: 'support' })).json().error.code).toBe('group_name_taken');
  });

  it('refuse unknown roles and users, naming the field', async () => {
    const bad = await post(adminCookie, '/api/v1/admin/groups', { name: 'X', roleIds: ['nope'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.roleIds).toContain('nope');
    const group = await createGroup(adminCookie, 'Y');
    const missing = await addMembers(adminCookie, group.id, ['00000000-0000-4000-8000-000000000000']);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields).toHaveProperty('userIds');
  });

  it('need groups.manage to change, and groups.manage or users.read to read', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const viewerCookie = await signIn(t.app, viewer.email);
    const group = await createGroup(adminCookie, 'Support');
    expect((await get(viewerCookie, '/api/v1/admin/groups')).statusCode).toBe(200);
    expect((await get(viewerCookie, `/api/v1/admin/groups/${group.id}/members`)).statusCode).toBe(200);
    expect((await post(viewerCookie, '/api/v1/admin/groups', { name: 'Mine' })).statusCode).toBe(403);
    expect((await addMembers(viewerCookie, group.id, [viewer.id])).statusCode).toBe(403);
    const member = await seedUser(t.handle, { roles: ['member'] });
    expect((await get(await signIn(t.app, member.email), '/api/v1/admin/groups')).statusCode).toBe(403);
  });
});

describe('group membership', () => {
  it('grants the group’s roles to its members until they leave', async () => {
    const user = await seedUser(t.handle, { roles: ['member'] });
    const userCookie = await signIn(t.app, user.email);
    const group = await createGroup(adminCookie, 'Readers', [await builtinRoleId(t.handle.db, 'viewer')]);
    expect(await permissionsOfMe(userCookie)).toEqual([]);

    const added = await addMembers(adminCookie, group.id, [user.id, user.id]);
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toEqual({ added: [user.id] });
    expect((await addMembers(adminCookie, group.id, [user.id])).json()).toEqual({ added: [] });
    expect(await permissionsOfMe(userCookie)).toEqual(['access_requests.read', 'audit.read', 'users.read']);

    const members = await get(adminCookie, `/api/v1/admin/groups/${group.id}/members`);
    expect(members.json().items).toEqual([expect.objectContaining({ id: user.id, email: user.email, status: 'active' })]);
    expect((await get(adminCookie, `/api/v1/admin/groups/${group.id}`)).json().memberCount).toBe(1);

    expect((await del(adminCookie, `/api/v1/admin/groups/${group.id}/members/${user.id}`)).statusCode).toBe(204);
    expect(await permissionsOfMe(userCookie)).toEqual([]);
    expect((await del(adminCookie, `/api/v1/admin/groups/${group.id}/members/${user.id}`)).statusCode).toBe(404);

    const actions = (await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, group.id)).orderBy(auditEvents.id)).map(
      (e) => [e.action, e.details],
    );
    expect(actions.slice(1)).toEqual([
      ['group.members_added', { userIds: [user.id] }],
      ['group.member_removed', { userId: user.id }],
    ]);
  });

  it('pages members by name', async () => {
    const group = await createGroup(adminCookie, 'Everyone');
    const people = await Promise.all(['Cleo', 'ann', 'Bea'].map((name) => seedUser(t.handle, { name })));
    await addMembers(adminCookie, group.id, people.map((p) => p.id));
    const first = (await get(adminCookie, `/api/v1/admin/groups/${group.id}/members?limit=2`)).json();
    const second = (await get(adminCookie, `/api/v1/admin/groups/${group.id}/members?limit=2&cursor=${first.nextCursor}`)).json();
    expect([...first.items, ...second.items].map((m: { name: string }) => m.name)).toEqual(['ann', 'Bea', 'Cleo']);
    expect(second.nextCursor).toBeNull();
  });

  it('is hidden from external users whatever permissions they hold', async () => {
    const { cookie } = await signedInWith(['users.read', 'groups.manage'], 'external');
    const group = await createGroup(adminCookie, 'Support');
    const res = await get(cookie, `/api/v1/admin/groups/${group.id}/members`);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    expect((await addMembers(cookie, group.id, [admin.id])).statusCode).toBe(403);
  });
});

describe('no privilege escalation through groups', () => {
  it('refuses attaching roles, or adding and removing members of groups, that carry permissions the actor lacks', async () => {
    // User manager holds groups.manage but not audit.read, which Viewer grants.
    const manager = await seedUser(t.handle, { roles: ['user_manager'] });
    const cookie = await signIn(t.app, manager.email);
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const adminRole = await builtinRoleId(t.handle.db, 'admin');
    const someone = await seedUser(t.handle);

    const create = await post(cookie, '/api/v1/admin/groups', { name: 'Admins', roleIds: [adminRole] });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.details.missingPermissions).toContain('settings.manage');

    const own = await createGroup(cookie, 'Desk');
    const attach = await patch(cookie, `/api/v1/admin/groups/${own.id}`, { roleIds: [viewer] });
    expect(attach.statusCode).toBe(403);
    expect(attach.json().error.details.missingPermissions).toEqual(['audit.read']);

    const readers = await createGroup(adminCookie, 'Readers', [viewer]);
    expect((await addMembers(cookie, readers.id, [someone.id])).statusCode).toBe(403);
    await addMembers(adminCookie, readers.id, [someone.id]);
    expect((await del(cookie, `/api/v1/admin/groups/${readers.id}/members/${someone.id}`)).statusCode).toBe(403);
    expect((await patch(cookie, `/api/v1/admin/groups/${readers.id}`, { roleIds: [] })).statusCode).toBe(403);
    expect((await del(cookie, `/api/v1/admin/groups/${readers.id}`)).statusCode).toBe(403);

    const memberRole = await builtinRoleId(t.handle.db, 'member');
    const withinPower = await patch(cookie, `/api/v1/admin/groups/${own.id}`, { roleIds: [memberRole] });
    expect(withinPower.statusCode).toBe(200);
    expect((await addMembers(cookie, own.id, [someone.id])).statusCode).toBe(200);
    const members = await t.handle.db.select().from(groupMembers).where(eq(groupMembers.groupId, readers.id));
    expect(members.map((m) => m.userId)).toEqual([someone.id]);
  });
});

describe('the last administrator through a group', () => {
  it('cannot be removed by leaving the group, by the group losing Admin, or by deleting the group', async () => {
    const adminRole = await builtinRoleId(t.handle.db, 'admin');
    const group = await createGroup(adminCookie, 'Administrators', [adminRole]);
    await addMembers(adminCookie, group.id, [admin.id]);
    // From now on Admin reaches the only administrator through the group alone.
    await t.handle.db.delete(userRoles).where(and(eq(userRoles.userId, admin.id), eq(userRoles.roleId, adminRole)));

    for (const attempt of [
      () => del(adminCookie, `/api/v1/admin/groups/${group.id}/members/${admin.id}`),
      () => patch(adminCookie, `/api/v1/admin/groups/${group.id}`, { roleIds: [] }),
      () => del(adminCookie, `/api/v1/admin/groups/${group.id}`),
    ]) {
      const res = await attempt();
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error.code).toBe('last_admin');
    }
    expect((await get(adminCookie, `/api/v1/admin/groups/${group.id}`)).json()).toMatchObject({ roles: [{ id: adminRole }], memberCount: 1 });
    expect(await permissionsOfMe(adminCookie)).toEqual([...ALL_PERMISSIONS].sort());

    await seedUser(t.handle, { roles: ['admin'] });
    expect((await del(adminCookie, `/api/v1/admin/groups/${group.id}/members/${admin.id}`)).statusCode).toBe(204);
  });
});

describe('setUserGroups', () => {
  it('sets exactly the given groups, audits from and to, and names the field for unknown ids', async () => {
    const user = await seedUser(t.handle);
    const a = await createGroup(adminCookie, 'A');
    const b = await createGroup(adminCookie, 'B');
    const actor = actorFor(admin, ALL_PERMISSIONS);
    const run = (ids: string[]) => t.handle.db.transaction((tx) => setUserGroups(tx, systemContext(), actor, user.id, ids));
    await run([a.id]);
    await run([b.id, b.id]);
    const rows = await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, user.id));
    expect(rows.map((r) => r.groupId)).toEqual([b.id]);
    const events = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, user.id), eq(auditEvents.action, 'user.groups_changed')))
      .orderBy(auditEvents.id);
    expect(events.map((e) => e.details)).toEqual([
      { from: [], to: [a.id] },
      { from: [a.id], to: [b.id] },
    ]);
    await expect(run(['missing'])).rejects.toMatchObject({ status: 400, details: { fields: { groupIds: expect.stringContaining('missing') } } });
  });

  it('refuses joining or leaving groups whose roles grant permissions the actor lacks', async () => {
    const user = await seedUser(t.handle);
    const readers = await createGroup(adminCookie, 'Readers', [await builtinRoleId(t.handle.db, 'viewer')]);
    const actor = actorFor(admin, ['users.read', 'users.update']);
    await expect(
      t.handle.db.transaction((tx) => setUserGroups(tx, systemContext(), actor, user.id, [readers.id])),
    ).rejects.toMatchObject({ status: 403, details: { missingPermissions: ['access_requests.read', 'audit.read'] } });
    expect(await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, user.id))).toEqual([]);
  });
});
