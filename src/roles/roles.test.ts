import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  assignRoles,
  builtinRoleId,
  groupRoles,
  groups,
  roles,
  userRoles,
  type Grantor,
  type UserRow,
} from '../accounts/index.js';
import { systemContext, type AuditContext } from '../audit/index.js';
import { auditEvents } from '../audit/schema.js';
import { actorFor, asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';

let t: TestApp;
/** The roles page's way of setting roles: `assignRoles`, answering the roles now held. */
const setUserRoles = (tx: TestApp['handle']['db'], audit: AuditContext, actor: Grantor | null, userId: string, roleIds: string[]) =>
  assignRoles(tx, { audit, config: t.config }, actor, userId, roleIds).then((a) => a.held);
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

async function createRole(cookie: string, name: string, permissions: string[], description = '') {
  const res = await post(cookie, '/api/v1/admin/roles', { name, description, permissions });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string; permissions: string[] };
}

/** A signed-in user holding exactly a custom role with these permissions. */
async function signedInWith(permissions: string[]) {
  const [role] = await t.handle.db
    .insert(roles)
    .values({ name: `Custom ${Math.random()}`, permissions, createdAt: new Date() })
    .returning();
  const user = await seedUser(t.handle, { roleIds: [role!.id] });
  return { user, cookie: await signIn(t.app, user.email) };
}


const roleIdsOf = async (userId: string) =>
  (await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, userId))).map((r) => r.roleId).sort();

const auditOf = (targetId: string) =>
  t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, targetId)).orderBy(auditEvents.id);

describe('custom roles', () => {
  it('are created, read, listed, edited and deleted, each change audited', async () => {
    const created = await createRole(adminCookie, '  Support ', ['users.read', 'access_requests.read'], 'Front line');
    expect(created).toMatchObject({
      name: 'Support',
      description: 'Front line',
      builtin: false,
      builtinKey: null,
      permissions: ['access_requests.read', 'users.read'],
      userCount: 0,
      groupCount: 0,
    });

    const edited = await patch(adminCookie, `/api/v1/admin/roles/${created.id}`, {
      name: 'Helpdesk',
      permissions: ['users.read', 'users.update'],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ name: 'Helpdesk', description: 'Front line', permissions: ['users.read', 'users.update'] });

    const read = await get(adminCookie, `/api/v1/admin/roles/${created.id}`);
    expect(read.json()).toMatchObject({ id: created.id, name: 'Helpdesk' });

    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(adminCookie, `/api/v1/admin/roles?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      names.push(...page.json().items.map((r: { name: string }) => r.name));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(names).toEqual(['Admin', 'Helpdesk', 'Member', 'User manager', 'Viewer']);

    expect((await del(adminCookie, `/api/v1/admin/roles/${created.id}`)).statusCode).toBe(204);
    expect((await get(adminCookie, `/api/v1/admin/roles/${created.id}`)).statusCode).toBe(404);

    const events = await auditOf(created.id);
    expect(events.map((e) => e.action)).toEqual(['role.created', 'role.updated', 'role.deleted']);
    expect(events[1]!.details).toMatchObject({
      name: { from: 'Support', to: 'Helpdesk' },
      permissions: { added: ['users.update'], removed: ['access_requests.read'] },
    });
    expect(events[0]!.actorType).toBe('user');
  });

  it('refuse a blank name with the sentence the console shows', async () => {
    const res = await post(adminCookie, '/api/v1/admin/roles', { name: '   ', permissions: [] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { name: 'Give the role a name.' } } });
  });

  it('refuse a permission that is not in the catalogue, naming it', async () => {
    const res = await post(adminCookie, '/api/v1/admin/roles', { name: 'Odd', permissions: ['users.read', 'users.fly'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { permissions: expect.stringContaining('users.fly') }, unknownPermissions: ['users.fly'] },
    });
    const role = await createRole(adminCookie, 'Fine', []);
    const edit = await patch(adminCookie, `/api/v1/admin/roles/${role.id}`, { permissions: ['audit.write'] });
    expect(edit.statusCode).toBe(400);
    expect(edit.json().error.details.unknownPermissions).toEqual(['audit.write']);
  });

  it('have names unique regardless of case', async () => {
    const res = await post(adminCookie, '/api/v1/admin/roles', { name: 'aDMIN', permissions: [] });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'role_name_taken', details: { fields: { name: expect.any(String) } } });
    const role = await createRole(adminCookie, 'Support', []);
    const rename = await patch(adminCookie, `/api/v1/admin/roles/${role.id}`, { name: 'viewer' });
    expect(rename.json().error.code).toBe('role_name_taken');
  });

  it('need roles.manage to change, and roles.manage or users.read to read', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const viewerCookie = await signIn(t.app, viewer.email);
    expect((await get(viewerCookie, '/api/v1/admin/roles')).statusCode).toBe(200);
    expect((await post(viewerCookie, '/api/v1/admin/roles', { name: 'X', permissions: [] })).statusCode).toBe(403);
    const member = await seedUser(t.handle, { roles: ['member'] });
    const memberCookie = await signIn(t.app, member.email);
    expect((await get(memberCookie, '/api/v1/admin/roles')).statusCode).toBe(403);
    const adminRole = await builtinRoleId(t.handle.db, 'admin');
    expect((await get(memberCookie, `/api/v1/admin/roles/${adminRole}`)).statusCode).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  it('describes the roles and groups endpoints', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths['/api/v1/admin/roles/{id}'])).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(Object.keys(doc.paths['/api/v1/admin/groups/{id}/members'])).toEqual(['get', 'post']);
    expect(doc.paths).toHaveProperty(['/api/v1/admin/groups/{id}/members/{userId}']);
    expect(Object.keys(doc.paths['/api/v1/admin/roles/{id}'].delete.responses)).toEqual(expect.arrayContaining(['204', '409']));
  });
});

describe('built-in roles', () => {
  it('cannot be renamed, edited or deleted, and Admin holds every permission', async () => {
    for (const key of ['admin', 'member', 'viewer', 'user_manager']) {
      const id = await builtinRoleId(t.handle.db, key);
      const edit = await patch(adminCookie, `/api/v1/admin/roles/${id}`, { name: `Renamed ${key}` });
      expect(edit.statusCode).toBe(409);
      expect(edit.json().error.code).toBe('builtin_role');
      const removal = await del(adminCookie, `/api/v1/admin/roles/${id}`);
      expect(removal.statusCode).toBe(409);
      expect(removal.json().error.code).toBe('builtin_role');
    }
    const admin = (await get(adminCookie, `/api/v1/admin/roles/${await builtinRoleId(t.handle.db, 'admin')}`)).json();
    expect(admin).toMatchObject({ name: 'Admin', builtin: true, builtinKey: 'admin' });
    expect(admin.permissions).toEqual([...ALL_PERMISSIONS].sort());
    const manager = (await get(adminCookie, `/api/v1/admin/roles/${await builtinRoleId(t.handle.db, 'user_manager')}`)).json();
    expect(manager.permissions).toContain('users.create');
    expect(manager.permissions).not.toContain('settings.manage');
    expect(manager.permissions).not.toContain('roles.manage');
  });
});

describe('deleting a role that is held', () => {
  it('is refused with how many users and groups hold it', async () => {
    const role = await createRole(adminCookie, 'Support', ['users.read']);
    await seedUser(t.handle, { roleIds: [role.id] });
    await seedUser(t.handle, { roleIds: [role.id] });
    const now = new Date();
    const [group] = await t.handle.db.insert(groups).values({ name: 'Desk', createdAt: now, updatedAt: now }).returning();
    await t.handle.db.insert(groupRoles).values({ groupId: group!.id, roleId: role.id });

    const res = await del(adminCookie, `/api/v1/admin/roles/${role.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'role_in_use', details: { userCount: 2, groupCount: 1 } });
    expect((await get(adminCookie, `/api/v1/admin/roles/${role.id}`)).json()).toMatchObject({ userCount: 2, groupCount: 1 });
  });

  it('moves every holder to the chosen role in the same step', async () => {
    const support = await createRole(adminCookie, 'Support', ['users.read']);
    const helpdesk = await createRole(adminCookie, 'Helpdesk', ['users.read', 'users.update']);
    const a = await seedUser(t.handle, { roleIds: [support.id] });
    const both = await seedUser(t.handle, { roleIds: [support.id, helpdesk.id] });
    const now = new Date();
    const [group] = await t.handle.db.insert(groups).values({ name: 'Desk', createdAt: now, updatedAt: now }).returning();
    await t.handle.db.insert(groupRoles).values({ groupId: group!.id, roleId: support.id });

    const res = await del(adminCookie, `/api/v1/admin/roles/${support.id}?reassignTo=${helpdesk.id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect(await roleIdsOf(a.id)).toEqual([helpdesk.id]);
    expect(await roleIdsOf(both.id)).toEqual([helpdesk.id]);
    const carried = await t.handle.db.select().from(groupRoles).where(eq(groupRoles.groupId, group!.id));
    expect(carried.map((r) => r.roleId)).toEqual([helpdesk.id]);
    const [event] = await auditOf(support.id).then((e) => e.filter((x) => x.action === 'role.deleted'));
    expect(event!.details).toMatchObject({ reassignedTo: { id: helpdesk.id, name: 'Helpdesk' }, userCount: 2, groupCount: 1 });
  });

  it('leaves nobody holding a deleted role when someone assigns it at the same moment', async () => {
    const support = await createRole(adminCookie, 'Support', ['users.read']);
    const helpdesk = await createRole(adminCookie, 'Helpdesk', ['users.read']);
    const holder = await seedUser(t.handle, { roleIds: [support.id] });
    const latecomer = await seedUser(t.handle);
    const assign = t.handle.db.transaction((tx) =>
      setUserRoles(tx, systemContext(), actorFor(admin, ALL_PERMISSIONS), latecomer.id, [support.id]),
    );
    const removal = del(adminCookie, `/api/v1/admin/roles/${support.id}?reassignTo=${helpdesk.id}`);
    const [assigned, removed] = await Promise.allSettled([assign, removal]);
    expect(removed.status === 'fulfilled' && removed.value.statusCode).toBe(204);
    // Either the assignment landed first and moved with everyone else, or it came too late and was refused.
    if (assigned.status === 'rejected') expect(assigned.reason).toMatchObject({ status: 400 });
    expect(await roleIdsOf(latecomer.id)).toEqual(assigned.status === 'fulfilled' ? [helpdesk.id] : []);
    expect(await roleIdsOf(holder.id)).toEqual([helpdesk.id]);
  });

  it('changes nothing when the reassignment is refused', async () => {
    const support = await createRole(adminCookie, 'Support', ['users.read']);
    const holder = await seedUser(t.handle, { roleIds: [support.id] });
    const unknown = await del(adminCookie, `/api/v1/admin/roles/${support.id}?reassignTo=00000000-0000-4000-8000-000000000000`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.fields).toHaveProperty('reassignTo');
    const itself = await del(adminCookie, `/api/v1/admin/roles/${support.id}?reassignTo=${support.id}`);
    expect(itself.statusCode).toBe(400);

    // A role manager without audit.read may not move people into Viewer, which grants it.
    const { cookie } = await signedInWith(['roles.manage', 'users.read']);
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const escalation = await del(cookie, `/api/v1/admin/roles/${support.id}?reassignTo=${viewer}`);
    expect(escalation.statusCode).toBe(403);
    expect(escalation.json().error.details.missingPermissions).toEqual(['access_requests.read', 'audit.read']);
    expect(await roleIdsOf(holder.id)).toEqual([support.id]);
    expect((await get(adminCookie, `/api/v1/admin/roles/${support.id}`)).statusCode).toBe(200);
  });
});

describe('no privilege escalation through roles', () => {
  it('refuses creating or editing a role with permissions the actor lacks', async () => {
    const { cookie } = await signedInWith(['roles.manage', 'users.read']);
    const create = await post(cookie, '/api/v1/admin/roles', { name: 'Boss', permissions: ['users.read', 'settings.manage'] });
    expect(create.statusCode).toBe(403);
    expect(create.json().error).toMatchObject({ code: 'forbidden', details: { missingPermissions: ['settings.manage'] } });

    const own = await createRole(cookie, 'Readers', ['users.read']);
    const widen = await patch(cookie, `/api/v1/admin/roles/${own.id}`, { permissions: ['users.read', 'users.delete'] });
    expect(widen.statusCode).toBe(403);

    // Nor may they touch a role more powerful than themselves, even only to rename or narrow it.
    const strong = await createRole(adminCookie, 'Operators', ['settings.manage', 'users.read']);
    for (const body of [{ name: 'Weak' }, { permissions: ['users.read'] }]) {
      expect((await patch(cookie, `/api/v1/admin/roles/${strong.id}`, body)).statusCode).toBe(403);
    }
    expect((await del(cookie, `/api/v1/admin/roles/${strong.id}`)).statusCode).toBe(403);
    const unchanged = (await get(adminCookie, `/api/v1/admin/roles/${strong.id}`)).json();
    expect(unchanged).toMatchObject({ name: 'Operators', permissions: ['settings.manage', 'users.read'] });
  });
});

describe('setUserRoles', () => {
  it('sets exactly the given roles and audits from and to', async () => {
    const user = await seedUser(t.handle, { roles: ['member'] });
    const member = await builtinRoleId(t.handle.db, 'member');
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const actor = actorFor(admin, ALL_PERMISSIONS);
    const held = await t.handle.db.transaction((tx) => setUserRoles(tx, systemContext(), actor, user.id, [viewer, viewer]));
    expect(held.map((r) => r.id)).toEqual([viewer]);
    expect(await roleIdsOf(user.id)).toEqual([viewer]);
    const [event] = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, user.id), eq(auditEvents.action, 'user.roles_changed')));
    expect(event!.details).toEqual({ from: [member], to: [viewer] });
  });

  it('names the field for unknown ids', async () => {
    const run = (ids: string[]) =>
      t.handle.db.transaction((tx) => setUserRoles(tx, systemContext(), actorFor(admin, ALL_PERMISSIONS), admin.id, ids));
    await expect(run(['not-a-uuid'])).rejects.toMatchObject({
      status: 400,
      details: { fields: { roleIds: expect.stringContaining('not-a-uuid') } },
    });
  });

  it('refuses to give or take away roles whose permissions the actor lacks', async () => {
    const manager = await seedUser(t.handle, { roles: ['user_manager'] });
    const target = await seedUser(t.handle, { roles: ['viewer'] });
    const actor = actorFor(manager, ['users.read', 'users.update']);
    const admin = await builtinRoleId(t.handle.db, 'admin');
    const run = (ids: string[]) => t.handle.db.transaction((tx) => setUserRoles(tx, systemContext(), actor, target.id, ids));
    await expect(run([admin])).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(run([])).rejects.toMatchObject({ status: 403, details: { missingPermissions: ['access_requests.read', 'audit.read'] } });
    expect(await roleIdsOf(target.id)).toEqual([await builtinRoleId(t.handle.db, 'viewer')]);
  });

  it('refuses to take Admin from the last active administrator', async () => {
    const run = () => t.handle.db.transaction((tx) => setUserRoles(tx, systemContext(), actorFor(admin, ALL_PERMISSIONS), admin.id, []));
    await expect(run()).rejects.toMatchObject({ status: 409, code: 'last_admin' });
    expect(await roleIdsOf(admin.id)).toEqual([await builtinRoleId(t.handle.db, 'admin')]);
  });
});
