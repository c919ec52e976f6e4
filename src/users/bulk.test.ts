import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { builtinRoleId, userRoles, users } from '../accounts/index.js';
import { seedGroup, seedRole, USER_MANAGER_PERMISSIONS } from './testing.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof seedUser>>;
let cookie: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await seedUser(t.handle, { roles: ['admin'] });
  cookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const bulk = (payload: object, as = cookie) =>
  t.app.inject({ method: 'POST', url: '/api/v1/admin/users/bulk', headers: asBrowser(as), payload });
const seedQuietly = (input: Parameters<typeof seedUser>[1] = {}) => seedUser(t.handle, { password: undefined, ...input });
const statusOf = async (id: string) => (await t.handle.db.select().from(users).where(eq(users.id, id)))[0]!.status;

describe('POST /api/v1/admin/users/bulk', () => {
  it('answers one result per user with a mix of applied, skipped and failed, each in its own transaction', async () => {
    const active = await seedQuietly();
    const alreadyDisabled = await seedQuietly();
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, alreadyDisabled.id));
    const revoked = await seedQuietly();
    await t.handle.db.update(users).set({ status: 'revoked' }).where(eq(users.id, revoked.id));
    const unknown = '00000000-0000-4000-8000-000000000000';

    const res = await bulk({ userIds: [active.id, alreadyDisabled.id, admin.id, revoked.id, unknown, 'garbage', active.id], action: { type: 'disable' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual([
      { userId: active.id, outcome: 'applied' },
      { userId: alreadyDisabled.id, outcome: 'skipped', reason: 'unchanged' },
      { userId: admin.id, outcome: 'failed', reason: 'self_action_refused' },
      { userId: revoked.id, outcome: 'failed', reason: 'account_revoked' },
      { userId: unknown, outcome: 'failed', reason: 'not_found' },
      { userId: 'garbage', outcome: 'failed', reason: 'not_found' },
    ]);
    expect(await statusOf(active.id)).toBe('disabled');
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.disabled'));
    expect(event).toMatchObject({ targetId: active.id, actorId: admin.id });

    const enabled = await bulk({ userIds: [active.id, alreadyDisabled.id, admin.id], action: { type: 'enable' } });
    expect(enabled.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied', 'skipped']);
  });

  it('fails only the user whose change would remove the last administrator', async () => {
    const other = await seedUser(t.handle, { roles: ['admin'] });
    const third = await seedUser(t.handle, { roles: ['admin'] });
    const member = await seedQuietly();
    const adminRole = await builtinRoleId(t.handle.db, 'admin');
    // Demoting everyone, the actor included: the guard stops at the last one, whoever comes last.
    const res = await bulk({ userIds: [other.id, member.id, third.id, admin.id], action: { type: 'remove_role', roleId: adminRole } });
    expect(res.json().results).toEqual([
      { userId: other.id, outcome: 'applied' },
      { userId: member.id, outcome: 'skipped', reason: 'unchanged' },
      { userId: third.id, outcome: 'applied' },
      { userId: admin.id, outcome: 'failed', reason: 'last_admin' },
    ]);
    expect((await t.handle.db.select().from(userRoles).where(eq(userRoles.roleId, adminRole))).map((r) => r.userId)).toEqual([admin.id]);

    const promote = await bulk({ userIds: [other.id], action: { type: 'add_role', roleId: adminRole } });
    expect(promote.json().results).toEqual([{ userId: other.id, outcome: 'applied' }]);
  });

  it('adds and removes roles and groups, skipping those already in that state', async () => {
    const a = await seedQuietly();
    const b = await seedQuietly();
    const group = await seedGroup(t.handle, 'Crew', [], [a.id]);
    const added = await bulk({ userIds: [a.id, b.id], action: { type: 'add_group', groupId: group.id } });
    expect(added.json().results).toEqual([
      { userId: a.id, outcome: 'skipped', reason: 'unchanged' },
      { userId: b.id, outcome: 'applied' },
    ]);
    const removed = await bulk({ userIds: [a.id, b.id], action: { type: 'remove_group', groupId: group.id } });
    expect(removed.json().results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied']);
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const roles = await bulk({ userIds: [a.id], action: { type: 'add_role', roleId: viewer } });
    expect(roles.json().results).toEqual([{ userId: a.id, outcome: 'applied' }]);
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, a.id));
    expect(events.at(-1)).toMatchObject({ action: 'user.updated', details: { roles: { from: [], to: [{ id: viewer, name: 'Viewer' }] } } });
  });

  it('skips External users in a profile change and refuses making anyone External', async () => {
    const member = await seedQuietly();
    const external = await seedQuietly({ profile: 'external' });
    const res = await bulk({ userIds: [member.id, external.id], action: { type: 'set_profile', profile: 'member' } });
    expect(res.json().results).toEqual([
      { userId: member.id, outcome: 'skipped', reason: 'unchanged' },
      { userId: external.id, outcome: 'skipped', reason: 'profile_change_refused' },
    ]);
    const toExternal = await bulk({ userIds: [member.id], action: { type: 'set_profile', profile: 'external' } });
    expect(toExternal.statusCode).toBe(409);
    expect(toExternal.json().error.code).toBe('profile_change_refused');
    const [row] = await t.handle.db.select().from(users).where(eq(users.id, member.id));
    expect(row!.profile).toBe('member');
  });

  it('applies the permission rules of the single actions', async () => {
    const manager = await seedUser(t.handle, { roleIds: [(await seedRole(t.handle, 'People manager', USER_MANAGER_PERMISSIONS)).id] });
    const managerCookie = await signIn(t.app, manager.email);
    const member = await seedQuietly();
    const adminRole = await builtinRoleId(t.handle.db, 'admin');
    const escalate = await bulk({ userIds: [member.id], action: { type: 'add_role', roleId: adminRole } }, managerCookie);
    expect(escalate.statusCode).toBe(403);
    const disable = await bulk({ userIds: [member.id, admin.id], action: { type: 'disable' } }, managerCookie);
    expect(disable.json().results).toEqual([
      { userId: member.id, outcome: 'applied' },
      { userId: admin.id, outcome: 'failed', reason: 'forbidden' },
    ]);
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    expect((await bulk({ userIds: [member.id], action: { type: 'enable' } }, await signIn(t.app, viewer.email))).statusCode).toBe(403);
  });

  it('validates the request', async () => {
    const tooMany = await bulk({ userIds: Array.from({ length: 501 }, (_, i) => `u${i}`), action: { type: 'disable' } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details.fields).toHaveProperty('userIds');
    expect((await bulk({ userIds: [admin.id], action: { type: 'add_role' } })).statusCode).toBe(400);
    expect((await bulk({ userIds: [admin.id], action: { type: 'explode' } })).statusCode).toBe(400);
    const unknownRole = await bulk({ userIds: [admin.id], action: { type: 'add_role', roleId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknownRole.statusCode).toBe(400);
    expect(unknownRole.json().error.details.fields).toEqual({ 'action.roleId': expect.any(String) });
  });
});
