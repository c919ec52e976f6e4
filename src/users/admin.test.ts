import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { issueSetPasswordLink } from '../auth/passwords/set-password.js';
import { builtinRoleId, groupMembers, userRoles, users } from '../accounts/index.js';
import { seedUser, signIn, TEST_ORIGIN } from '../../test/support.js';
import { admin, adminRole, call, eventsFor, lastEvent, rowOf, t, useAdminApp } from './test-admin-app.js';
import { seedGroup, seedRole, USER_MANAGER_PERMISSIONS } from './testing.js';

useAdminApp();

describe('POST /api/v1/admin/users', () => {
  it('creates a Pending Setup account with an unvalidated email when no password is given', async () => {
    const member = await builtinRoleId(t.handle.db, 'member');
    const group = await seedGroup(t.handle, 'Support');
    const res = await call('POST', '/api/v1/admin/users', {
      name: ' Grace Hopper ',
      email: 'grace@example.com',
      username: 'grace',
      roleIds: [member],
      groupIds: [group.id],
    });
    expect(res.statusCode).toBe(201);
    const { user } = res.json();
    expect(user).toMatchObject({
      name: 'Grace Hopper',
      email: 'grace@example.com',
      username: 'grace',
      status: 'active',
      profile: 'member',
      authMethod: 'pending_setup',
      emailVerified: false,
      lastLoginAt: null,
      roles: [{ id: member, name: 'Member' }],
      groups: [{ id: group.id, name: 'Support' }],
    });
    expect((await rowOf(user.id)).passwordHash).toBeNull();
    const event = await lastEvent(user.id);
    expect(event).toMatchObject({ action: 'user.created', actorType: 'user', actorId: admin.id });
    expect(event.details).toMatchObject({ profile: 'member', roleIds: [member], groupIds: [group.id], withPassword: false });
  });

  it('with a password, the person can sign in at once; the profile can be External', async () => {
    const res = await call('POST', '/api/v1/admin/users', {
      name: 'Ext',
      email: 'ext@partner.example',
      username: 'ext',
      password: 'a long password',
      profile: 'external',
    });
    expect(res.json().user).toMatchObject({ authMethod: 'local', profile: 'external', emailVerified: false });
    expect(await signIn(t.app, 'ext', 'a long password')).toMatch(/foyer_session=/);
  });

  it('names the field for a taken email or username, whatever its case, and for invalid input', async () => {
    const taken = await call('POST', '/api/v1/admin/users', { name: 'X', email: admin.email.toUpperCase(), username: 'fresh' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'email_taken', details: { fields: { email: expect.any(String) } } });
    const user = await call('POST', '/api/v1/admin/users', { name: 'X', email: 'x@example.com', username: admin.username.toUpperCase() });
    expect(user.json().error).toMatchObject({ code: 'username_taken', details: { fields: { username: expect.any(String) } } });
    const invalid = await call('POST', '/api/v1/admin/users', { name: '', email: 'nope', username: 'a b', password: 'short' });
    expect(invalid.statusCode).toBe(400);
    expect(Object.keys(invalid.json().error.details.fields).sort()).toEqual(['email', 'name', 'password', 'username']);
    expect(invalid.json().error.details.fields.password).toBe('Use at least 8 characters.');
    const tooManyGroups = await call('POST', '/api/v1/admin/users', { name: 'X', email: 'x@example.com', username: 'xx', groupIds: Array(101).fill('g') });
    expect(tooManyGroups.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { groupIds: 'Choose at most 100 groups.' } } });
    const unknownRole = await call('POST', '/api/v1/admin/users', {
      name: 'X',
      email: 'x@example.com',
      username: 'xx',
      roleIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknownRole.statusCode).toBe(400);
    expect(unknownRole.json().error.details.fields).toHaveProperty('roleIds');
  });

  it('refuses a user manager handing out Admin, directly or through a group, and creates nothing', async () => {
    const manager = await seedUser(t.handle, { roleIds: [(await seedRole(t.handle, 'People manager', USER_MANAGER_PERMISSIONS)).id] });
    const managerCookie = await signIn(t.app, manager.email);
    const admins = await seedGroup(t.handle, 'Admins', [adminRole]);
    for (const grant of [{ roleIds: [adminRole] }, { groupIds: [admins.id] }]) {
      const res = await call('POST', '/api/v1/admin/users', { name: 'Sneaky', email: 'sneaky@example.com', username: 'sneaky', ...grant }, managerCookie);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.details.missingPermissions).toContain('settings.manage');
    }
    expect((await t.handle.db.select().from(users).where(eq(users.username, 'sneaky'))).length).toBe(0);
    const plain = await call('POST', '/api/v1/admin/users', { name: 'Plain', email: 'plain@example.com', username: 'plain' }, managerCookie);
    expect(plain.statusCode).toBe(201);
  });

  it('needs users.create', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const res = await call('POST', '/api/v1/admin/users', { name: 'X', email: 'x@example.com', username: 'xx' }, await signIn(t.app, viewer.email));
    expect(res.statusCode).toBe(403);
  });
});

describe('PATCH /api/v1/admin/users/:id', () => {
  it('edits fields, marks a new email unvalidated and records what changed', async () => {
    const user = await seedUser(t.handle, { name: 'Old Name', emailVerified: true });
    const link = await issueSetPasswordLink(t.handle.db, t.config, user.id, new Date());
    const res = await call('PATCH', `/api/v1/admin/users/${user.id}`, { name: 'New Name', email: 'new@example.com', username: user.username });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ name: 'New Name', email: 'new@example.com', emailVerified: false });
    expect((await lastEvent(user.id)).details).toEqual({
      name: { from: 'Old Name', to: 'New Name' },
      email: { from: user.email, to: 'new@example.com' },
      emailVerified: { from: true, to: false },
    });
    // A link sent to the old address must not validate the new one.
    const token = new URL(link).searchParams.get('token')!;
    const spent = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: TEST_ORIGIN }, payload: { token, password: 'another password' } });
    expect(spent.statusCode).toBe(410);
  });

  it('writes no event when nothing changes', async () => {
    const user = await seedUser(t.handle);
    const before = (await eventsFor(user.id)).length;
    const res = await call('PATCH', `/api/v1/admin/users/${user.id}`, { name: user.name, roleIds: [] });
    expect(res.statusCode).toBe(200);
    expect((await eventsFor(user.id)).length).toBe(before);
  });

  it('names the field for an email or username another account uses', async () => {
    const user = await seedUser(t.handle);
    const email = await call('PATCH', `/api/v1/admin/users/${user.id}`, { email: admin.email.toUpperCase() });
    expect(email.statusCode).toBe(409);
    expect(email.json().error).toMatchObject({ code: 'email_taken', details: { fields: { email: expect.any(String) } } });
    const username = await call('PATCH', `/api/v1/admin/users/${user.id}`, { username: admin.username });
    expect(username.json().error.code).toBe('username_taken');
    // Changing only the case of your own email is not a clash.
    const own = await call('PATCH', `/api/v1/admin/users/${user.id}`, { email: user.email.toUpperCase() });
    expect(own.statusCode).toBe(200);
  });

  it('replaces roles and groups, promoting to and demoting from Admin', async () => {
    const user = await seedUser(t.handle, { roles: ['member'] });
    const group = await seedGroup(t.handle, 'Ops');
    const promoted = await call('PATCH', `/api/v1/admin/users/${user.id}`, { roleIds: [adminRole], groupIds: [group.id] });
    expect(promoted.json().user).toMatchObject({ roles: [{ name: 'Admin' }], groups: [{ name: 'Ops' }] });
    expect((await lastEvent(user.id)).details).toEqual({
      roles: { from: [{ id: expect.any(String), name: 'Member' }], to: [{ id: adminRole, name: 'Admin' }] },
      groups: { from: [], to: [{ id: group.id, name: 'Ops' }] },
    });
    const demoted = await call('PATCH', `/api/v1/admin/users/${user.id}`, { roleIds: [], groupIds: [] });
    expect(demoted.json().user).toMatchObject({ roles: [], groups: [] });
  });

  it('refuses to remove the last administrator’s Admin role, directly or through their last admin group', async () => {
    const refused = await call('PATCH', `/api/v1/admin/users/${admin.id}`, { roleIds: [] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('last_admin');
    expect(await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, admin.id))).toHaveLength(1);

    const admins = await seedGroup(t.handle, 'Admins', [adminRole]);
    const viaGroup = await seedUser(t.handle);
    await t.handle.db.insert(groupMembers).values({ groupId: admins.id, userId: viaGroup.id, addedAt: new Date() });
    expect((await call('PATCH', `/api/v1/admin/users/${admin.id}`, { roleIds: [] })).statusCode).toBe(200);
    const last = await call('PATCH', `/api/v1/admin/users/${viaGroup.id}`, { groupIds: [] }, await signIn(t.app, viaGroup.email));
    expect(last.json().error.code).toBe('last_admin');
  });

  it('lets exactly one of two concurrent demotions through the API succeed', async () => {
    const other = await seedUser(t.handle, { roles: ['admin'] });
    const otherCookie = await signIn(t.app, other.email);
    const [a, b] = await Promise.all([
      call('PATCH', `/api/v1/admin/users/${other.id}`, { roleIds: [] }),
      call('PATCH', `/api/v1/admin/users/${admin.id}`, { roleIds: [] }, otherCookie),
    ]);
    // The loser is refused by the guard (409 last_admin) or, when the winner committed before the loser's request was
    // authenticated, because the loser is no longer an administrator at all (403): either way one administrator stays.
    const loser = [a, b].find((r) => r.statusCode !== 200)!;
    expect([a.statusCode, b.statusCode].filter((s) => s === 200)).toHaveLength(1);
    expect([409, 403]).toContain(loser.statusCode);
    if (loser.statusCode === 409) expect(loser.json().error.code).toBe('last_admin');
    const admins = await t.handle.db.select().from(userRoles).where(eq(userRoles.roleId, adminRole));
    expect(admins).toHaveLength(1);
  });

  it('refuses any change of profile from or to External', async () => {
    const member = await seedUser(t.handle);
    const external = await seedUser(t.handle, { profile: 'external' });
    for (const [user, profile] of [[member, 'external'], [external, 'member']] as const) {
      const res = await call('PATCH', `/api/v1/admin/users/${user.id}`, { profile });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('profile_change_refused');
    }
    expect((await rowOf(member.id)).profile).toBe('member');
    expect((await call('PATCH', `/api/v1/admin/users/${member.id}`, { profile: 'member' })).statusCode).toBe(200);
  });

  it('refuses privilege escalation by a user manager: assigning Admin, or taking over an account that holds more', async () => {
    const managerRole = await seedRole(t.handle, 'People manager', USER_MANAGER_PERMISSIONS);
    const manager = await seedUser(t.handle, { roleIds: [managerRole.id] });
    const managerCookie = await signIn(t.app, manager.email);
    const member = await seedUser(t.handle, { roles: ['member'] });

    const toAdmin = await call('PATCH', `/api/v1/admin/users/${member.id}`, { roleIds: [adminRole] }, managerCookie);
    expect(toAdmin.statusCode).toBe(403);
    expect(toAdmin.json().error).toMatchObject({ code: 'forbidden', details: { missingPermissions: expect.arrayContaining(['roles.manage']) } });
    const self = await call('PATCH', `/api/v1/admin/users/${manager.id}`, { roleIds: [managerRole.id, adminRole] }, managerCookie);
    expect(self.statusCode).toBe(403);
    // Changing an administrator's email would let the manager reset their password and become them.
    const takeover = await call('PATCH', `/api/v1/admin/users/${admin.id}`, { email: 'mine@example.com' }, managerCookie);
    expect(takeover.statusCode).toBe(403);
    for (const action of ['disable', 'revoke']) {
      expect((await call('POST', `/api/v1/admin/users/${admin.id}/${action}`, undefined, managerCookie)).statusCode).toBe(403);
    }
    expect((await call('DELETE', `/api/v1/admin/users/${admin.id}`, undefined, managerCookie)).statusCode).toBe(403);
    expect((await rowOf(admin.id))).toMatchObject({ email: admin.email, status: 'active' });
    expect((await t.handle.db.select().from(userRoles).where(eq(userRoles.roleId, adminRole)))).toHaveLength(1);

    const fine = await call('PATCH', `/api/v1/admin/users/${member.id}`, { name: 'Renamed' }, managerCookie);
    expect(fine.statusCode).toBe(200);
  });

  it('answers 404 for unknown, malformed and deleted users', async () => {
    const gone = await seedUser(t.handle, { roles: ['member'] });
    await call('DELETE', `/api/v1/admin/users/${gone.id}`);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id', gone.id]) {
      const res = await call('PATCH', `/api/v1/admin/users/${id}`, { name: 'X' });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });
});
