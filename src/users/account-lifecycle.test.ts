import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiTokens } from '../api-tokens/schema.js';
import { sessions } from '../auth/sessions/schema.js';
import { issueSetPasswordLink } from '../auth/passwords/set-password.js';
import { oneTimeTokens } from '../auth/one-time-tokens/schema.js';
import { ALL_PERMISSIONS, groupMembers, userRoles, users } from '../accounts/index.js';
import { seedUser, signIn, TEST_ORIGIN } from '../../test/support.js';
import { admin, call, eventsFor, lastEvent, rowOf, t, useAdminApp } from './test-admin-app.js';
import { seedGroup, seedRole } from './testing.js';

useAdminApp();

describe('disable and enable', () => {
  it('ends the person’s access on their very next request and keeps it ended after enabling again', async () => {
    const user = await seedUser(t.handle);
    const userCookie = await signIn(t.app, user.email);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: userCookie } })).statusCode).toBe(200);
    const disabled = await call('POST', `/api/v1/admin/users/${user.id}/disable`);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().user.status).toBe('disabled');
    const next = await t.app.inject({ url: '/api/v1/me', headers: { cookie: userCookie } });
    expect(next.statusCode).toBe(401);
    expect(await t.handle.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect((await lastEvent(user.id))).toMatchObject({ action: 'user.disabled', actorId: admin.id, details: { status: { from: 'active', to: 'disabled' }, sessionsEnded: 1 } });

    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: TEST_ORIGIN }, payload: { identifier: user.email, password: 'correct horse battery' } });
    expect(login.json().error.code).toBe('account_disabled');

    const enabled = await call('POST', `/api/v1/admin/users/${user.id}/enable`);
    expect(enabled.json().user.status).toBe('active');
    expect((await lastEvent(user.id))).toMatchObject({ action: 'user.enabled', details: { status: { from: 'disabled', to: 'active' } } });
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: userCookie } })).statusCode).toBe(401);
    expect(await signIn(t.app, user.email)).toMatch(/foyer_session=/);
  });

  it('stops the person’s API tokens while disabled', async () => {
    const user = await seedUser(t.handle, { roleIds: [(await seedRole(t.handle, 'Automation', ['api_tokens.manage'])).id] });
    const token = (await call('POST', '/api/v1/admin/api-tokens', { name: 'script' }, await signIn(t.app, user.email))).json().token;
    const bearer = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);
    await call('POST', `/api/v1/admin/users/${user.id}/disable`);
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
  });

  it('is idempotent and refused on your own account', async () => {
    const user = await seedUser(t.handle);
    await call('POST', `/api/v1/admin/users/${user.id}/disable`);
    const before = (await eventsFor(user.id)).length;
    expect((await call('POST', `/api/v1/admin/users/${user.id}/disable`)).statusCode).toBe(200);
    expect((await eventsFor(user.id)).length).toBe(before);

    const self = await call('POST', `/api/v1/admin/users/${admin.id}/disable`);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('self_action_refused');
    expect((await rowOf(admin.id)).status).toBe('active');
  });

  it('leaves an account awaiting approval to its access request: neither enabled nor disabled directly', async () => {
    const user = await seedUser(t.handle);
    await t.handle.db.update(users).set({ status: 'pending_approval' }).where(eq(users.id, user.id));
    for (const action of ['enable', 'disable']) {
      const res = await call('POST', `/api/v1/admin/users/${user.id}/${action}`);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('account_pending_approval');
    }
    expect((await rowOf(user.id)).status).toBe('pending_approval');
  });

  it('answers last_admin when the change would leave no active administrator', async () => {
    // Someone holding every permission, but not through the Admin role, is not an administrator.
    const everything = await seedRole(t.handle, 'Everything but Admin', [...ALL_PERMISSIONS]);
    const other = await seedUser(t.handle, { roleIds: [everything.id] });
    const res = await call('POST', `/api/v1/admin/users/${admin.id}/disable`, undefined, await signIn(t.app, other.email));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('last_admin');
    expect((await rowOf(admin.id)).status).toBe('active');
  });
});

describe('revoke', () => {
  it('is irreversible, ends access and frees the email and username for a new account', async () => {
    const user = await seedUser(t.handle, { email: 'leaver@example.com', username: 'leaver' });
    const userCookie = await signIn(t.app, user.email);
    const revoked = await call('POST', `/api/v1/admin/users/${user.id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().user).toMatchObject({ status: 'revoked', name: user.name, email: `revoked+${user.id}@invalid`, username: `revoked-${user.id}` });
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: userCookie } })).statusCode).toBe(401);
    expect((await lastEvent(user.id))).toMatchObject({
      action: 'user.revoked',
      details: {
        status: { from: 'active', to: 'revoked' },
        email: { from: 'leaver@example.com', to: `revoked+${user.id}@invalid` },
        username: { from: 'leaver', to: `revoked-${user.id}` },
        sessionsEnded: 1,
      },
    });

    const enable = await call('POST', `/api/v1/admin/users/${user.id}/enable`);
    expect(enable.statusCode).toBe(409);
    expect(enable.json().error.code).toBe('account_revoked');
    expect((await call('PATCH', `/api/v1/admin/users/${user.id}`, { email: 'leaver@example.com' })).json().error.code).toBe('account_revoked');
    expect((await rowOf(user.id)).status).toBe('revoked');

    const again = await call('POST', '/api/v1/admin/users', { name: 'Leaver Again', email: 'leaver@example.com', username: 'leaver', password: 'a long password' });
    expect(again.statusCode).toBe(201);
    expect(again.json().user.id).not.toBe(user.id);
    expect(await signIn(t.app, 'leaver@example.com', 'a long password')).toMatch(/foyer_session=/);
  });

  it('revokes the person’s API tokens and unused set-password links', async () => {
    const user = await seedUser(t.handle, { roleIds: [(await seedRole(t.handle, 'Automation', ['api_tokens.manage'])).id] });
    await call('POST', '/api/v1/admin/api-tokens', { name: 'script' }, await signIn(t.app, user.email));
    await issueSetPasswordLink(t.handle.db, t.config, user.id, new Date());
    await call('POST', `/api/v1/admin/users/${user.id}/revoke`);
    const [token] = await t.handle.db.select().from(apiTokens).where(eq(apiTokens.createdBy, user.id));
    expect(token!.revokedAt).toBeInstanceOf(Date);
    expect(await t.handle.db.select().from(oneTimeTokens).where(eq(oneTimeTokens.userId, user.id))).toEqual([]);
  });
});

describe('DELETE /api/v1/admin/users/:id', () => {
  it('erases personal data, keeps a pseudonymous row so the audit trail still resolves, and frees the email', async () => {
    const user = await seedUser(t.handle, { email: 'gone@example.com', username: 'gone', roles: ['admin'] });
    const group = await seedGroup(t.handle, 'Team', [], [user.id]);
    const userCookie = await signIn(t.app, user.email);
    // Something the user did, so they appear as an actor in someone's trail.
    const victim = await seedUser(t.handle);
    await call('PATCH', `/api/v1/admin/users/${victim.id}`, { name: 'Renamed by gone' }, userCookie);

    const res = await call('DELETE', `/api/v1/admin/users/${user.id}`);
    expect(res.statusCode).toBe(204);
    const row = await rowOf(user.id);
    expect(row).toMatchObject({
      name: 'Deleted user',
      email: `deleted+${user.id}@invalid`,
      username: `deleted-${user.id}`,
      passwordHash: null,
      emailVerifiedAt: null,
      status: 'disabled',
    });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, user.id))).toEqual([]);
    expect(await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, user.id))).toEqual([]);
    expect(await t.handle.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: userCookie } })).statusCode).toBe(401);

    const event = await lastEvent(user.id);
    expect(event).toMatchObject({ action: 'user.deleted', actorId: admin.id, details: { groups: { from: [{ id: group.id, name: 'Team' }], to: [] } } });
    expect(JSON.stringify(event.details)).not.toContain('gone@example.com');

    // The trail of the user they changed still names them, as "Deleted user".
    const detail = await call('GET', `/api/v1/admin/users/${victim.id}`);
    const renamed = detail.json().auditTrail.items.find((e: { action: string }) => e.action === 'user.updated');
    expect(renamed.actor).toEqual({ type: 'user', id: user.id, name: 'Deleted user' });

    expect((await call('GET', `/api/v1/admin/users/${user.id}`)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/admin/users/${user.id}`)).statusCode).toBe(404);
    const list = await call('GET', '/api/v1/admin/users');
    expect(list.json().items.map((u: { id: string }) => u.id)).not.toContain(user.id);
    expect((await call('POST', '/api/v1/admin/users', { name: 'Back', email: 'gone@example.com', username: 'gone' })).statusCode).toBe(201);
  });

  it('refuses deleting yourself or the last administrator, and needs users.delete', async () => {
    const self = await call('DELETE', `/api/v1/admin/users/${admin.id}`);
    expect(self.json().error.code).toBe('self_action_refused');
    const updater = await seedUser(t.handle, { roleIds: [(await seedRole(t.handle, 'Updater', ['users.read', 'users.update'])).id] });
    const member = await seedUser(t.handle);
    expect((await call('DELETE', `/api/v1/admin/users/${member.id}`, undefined, await signIn(t.app, updater.email))).statusCode).toBe(403);
    expect((await rowOf(admin.id)).deletedAt).toBeNull();
  });
});

describe('sessions of a user', () => {
  it('lists open sessions in the detail and ends one or all of them', async () => {
    const user = await seedUser(t.handle);
    const first = await signIn(t.app, user.email);
    const second = await signIn(t.app, user.email);
    const detail = (await call('GET', `/api/v1/admin/users/${user.id}`)).json();
    expect(detail.sessions).toHaveLength(2);
    expect(detail.sessions[0]).toMatchObject({ id: expect.any(String), current: false, expiresAt: expect.any(String) });
    const firstId = first.split('=')[1]!.split('.')[0]!;

    const ended = await call('DELETE', `/api/v1/admin/users/${user.id}/sessions/${firstId}`);
    expect(ended.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: first } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: second } })).statusCode).toBe(200);
    expect((await lastEvent(user.id))).toMatchObject({ action: 'user.session_ended', details: { sessionId: firstId } });
    // Another user's session id through this user answers 404.
    expect((await call('DELETE', `/api/v1/admin/users/${admin.id}/sessions/${firstId}`)).statusCode).toBe(404);

    const all = await call('DELETE', `/api/v1/admin/users/${user.id}/sessions`);
    expect(all.json()).toEqual({ ended: 1 });
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: second } })).statusCode).toBe(401);
  });
});
