import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../../audit/schema.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { users } from '../../accounts/index.js';
import { sessions } from './schema.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const login = (identifier: string, password: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: TEST_ORIGIN, ...headers },
    payload: { identifier, password },
    remoteAddress,
  });

describe('password sign-in', () => {
  it('names a missing identifier or password in the sentences the sign-in page shows, whoever is asked for', async () => {
    const blank = await login('', '');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { identifier: 'Enter your email address or username.', password: 'Enter your password.' } },
    });
  });

  it('signs in by email or username, case-insensitively, with a hardened cookie', async () => {
    const user = await seedUser(t.handle, { email: 'Ann@Example.com', username: 'ann' });
    const byEmail = await login('ann@example.COM', 'correct horse battery');
    expect(byEmail.statusCode).toBe(200);
    expect(byEmail.json().user).toMatchObject({ id: user.id, email: 'Ann@Example.com', status: 'active' });
    const cookie = byEmail.cookies.find((c) => c.name === 'foyer_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.value).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    expect((await login('ANN', 'correct horse battery')).statusCode).toBe(200);
  });

  it('issues a new token on every sign-in and stores only its hash', async () => {
    const user = await seedUser(t.handle);
    const a = sessionCookieFrom(await login(user.username, 'correct horse battery'));
    const b = sessionCookieFrom(await login(user.username, 'correct horse battery'));
    expect(a).not.toBe(b);
    const rows = await t.handle.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(a + b).not.toContain(row.secretHash);
  });

  it('answers a wrong password and an unknown account with the same 401 body', async () => {
    const user = await seedUser(t.handle);
    const wrongPassword = await login(user.email, 'not the password');
    const unknownUser = await login('nobody@example.com', 'not the password');
    const noPassword = await login((await seedUser(t.handle, { password: undefined })).email, 'anything at all');
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownUser.statusCode).toBe(401);
    expect(noPassword.statusCode).toBe(401);
    expect(unknownUser.body).toBe(wrongPassword.body);
    expect(noPassword.body).toBe(wrongPassword.body);
    expect(wrongPassword.json()).toEqual({
      error: { code: 'invalid_credentials', message: 'The email, username or password is not correct.' },
    });
    expect(wrongPassword.cookies).toHaveLength(0);
  });

  it('tells a disabled account apart only to someone who knows its password', async () => {
    const user = await seedUser(t.handle);
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, user.id));
    expect((await login(user.email, 'wrong password')).statusCode).toBe(401);
    const right = await login(user.email, 'correct horse battery');
    expect(right.statusCode).toBe(403);
    expect(right.json().error.code).toBe('account_disabled');
  });

  it('records successful and failed sign-ins in the audit log and sets last login', async () => {
    const user = await seedUser(t.handle);
    await login(user.email, 'nope nope');
    await login(user.email, 'correct horse battery', { 'user-agent': 'TestBrowser/1' });
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id));
    const failed = events.find((e) => e.action === 'auth.login.failed')!;
    expect(failed.details).toMatchObject({ reason: 'invalid_credentials' });
    expect(failed.details).not.toHaveProperty('password');
    const ok = events.find((e) => e.action === 'auth.login.succeeded')!;
    expect(ok).toMatchObject({ actorType: 'user', actorId: user.id, userAgent: 'TestBrowser/1' });
    const [row] = await t.handle.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.lastLoginAt).toBeInstanceOf(Date);
  });
});

describe('sessions', () => {
  it('GET /me needs a session and returns the user with effective permissions', async () => {
    expect((await t.app.inject({ url: '/api/v1/me' })).json().error.code).toBe('unauthenticated');
    const user = await seedUser(t.handle, { roles: ['viewer'] });
    const cookie = await signIn(t.app, user.email);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(me.json().user.permissions).toEqual(['access_requests.read', 'audit.read', 'users.read']);
    expect(me.json().user.roles).toEqual([{ id: expect.any(String), name: 'Viewer' }]);
  });

  it("stops a disabled user's existing session on the very next request", async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, user.id));
    const next = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(next.statusCode).toBe(401);
    expect(next.json().error.code).toBe('unauthenticated');
  });

  it('rejects a tampered token', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const tampered = cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BB' : 'AA');
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: tampered } })).statusCode).toBe(401);
  });

  it('expires after 7 idle days, slides with use, and ends after 30 days regardless', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-03-01T00:00:00Z').getTime();
    const day = 24 * 60 * 60 * 1000;
    vi.setSystemTime(start);
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const me = () => t.app.inject({ url: '/api/v1/me', headers: { cookie } }).then((r) => r.statusCode);
    for (const d of [6, 12, 18, 24, 29.9]) {
      vi.setSystemTime(start + d * day);
      expect(await me()).toBe(200);
    }
    vi.setSystemTime(start + 30 * day + 1000);
    expect(await me()).toBe(401);

    vi.setSystemTime(start);
    const idle = await signIn(t.app, user.email);
    vi.setSystemTime(start + 7 * day + 1000);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: idle } })).statusCode).toBe(401);
  });

  it('logout ends the session and clears the cookie', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: asBrowser(cookie) });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'foyer_session')?.value).toBe('');
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    const [logoutEvent] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.logout'));
    expect(logoutEvent).toMatchObject({ actorId: user.id, targetId: user.id });
  });

  it('PATCH /me changes the display name', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: asBrowser(cookie), payload: { name: 'New Name' } });
    expect(res.json().user.name).toBe('New Name');
  });
});

describe('CSRF', () => {
  it('refuses a cookie-carrying write without an Origin header', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_rejected');
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
  });

  it('refuses a cross-origin write, with or without a cookie', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const evil = { origin: 'https://evil.example' };
    const withCookie = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: { ...evil, cookie }, payload: { name: 'pwned' } });
    expect(withCookie.statusCode).toBe(403);
    const loginCsrf = await login(user.email, 'correct horse battery', evil);
    expect(loginCsrf.statusCode).toBe(403);
    expect(loginCsrf.json().error.code).toBe('csrf_rejected');
  });
});

describe('cost of a session check', () => {
  it('answers GET /me in one statement: the session with the user, their roles and permissions', async () => {
    const statements: string[] = [];
    const counted = await createTestApp({}, { onQuery: (sql) => statements.push(sql) });
    try {
      const user = await seedUser(counted.handle, { roles: ['viewer', 'member'] });
      const cookie = await signIn(counted.app, user.email);
      statements.length = 0;
      const me = await counted.app.inject({ url: '/api/v1/me', headers: { cookie } });
      expect(me.json().user).toMatchObject({ id: user.id, email: user.email, emailVerified: false, lastLoginAt: expect.any(String) });
      expect(me.json().user.roles.map((r: { name: string }) => r.name)).toEqual(['Member', 'Viewer']);
      expect(me.json().user.permissions).toContain('users.read');
      expect(statements).toHaveLength(1);
    } finally {
      await counted.close();
    }
  });
});
