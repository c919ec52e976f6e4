import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { createTestApp, sessionCookieFrom, testConfig, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { users } from '../accounts/index.js';
import { bootstrapFirstAdmin } from './service.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
const setupBody = (token: string, n = 1) => ({
  token,
  name: `Admin ${n}`,
  email: `admin${n}@example.com`,
  username: `admin${n}`,
  password: 'a long enough password',
});

describe('first administrator from the bootstrap variables', () => {
  it('is created once and never again', async () => {
    const config = testConfig({ FOYER_BOOTSTRAP_ADMIN_EMAIL: 'boot@example.com', FOYER_BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-pass' });
    expect((await bootstrapFirstAdmin(t.handle.db, config)).kind).toBe('admin_created');
    expect(await bootstrapFirstAdmin(t.handle.db, config)).toEqual({ kind: 'already_set_up' });
    const other = testConfig({ FOYER_BOOTSTRAP_ADMIN_EMAIL: 'other@example.com', FOYER_BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-pass' });
    expect(await bootstrapFirstAdmin(t.handle.db, other)).toEqual({ kind: 'already_set_up' });
    expect(await t.handle.db.select({ value: count() }).from(users)).toEqual([{ value: 1 }]);

    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { identifier: 'boot@example.com', password: 'bootstrap-pass' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.roles.map((r: { name: string }) => r.name)).toEqual(['Admin']);
  });

  it('creates exactly one administrator when instances start together', async () => {
    const config = testConfig({ FOYER_BOOTSTRAP_ADMIN_EMAIL: 'boot@example.com', FOYER_BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-pass' });
    const outcomes = await Promise.all([1, 2, 3].map(() => bootstrapFirstAdmin(t.handle.db, config)));
    expect(outcomes.filter((o) => o.kind === 'admin_created')).toHaveLength(1);
  });
});

describe('setup link', () => {
  it('refuses a short password in the sentence the setup page shows', async () => {
    const short = await t.app.inject({ method: 'POST', url: '/api/v1/setup', headers: { origin: TEST_ORIGIN }, payload: { ...setupBody('any-token'), password: 'seven c' } });
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { password: 'Use at least 8 characters.' } } });
  });

  it('creates the first administrator once, signs them in, and then refuses', async () => {
    expect((await t.app.inject({ url: '/api/v1/setup' })).json()).toEqual({ setupRequired: true });
    const outcome = await bootstrapFirstAdmin(t.handle.db, t.config);
    if (outcome.kind !== 'setup_link') throw new Error('expected a setup link');
    expect(outcome.url).toMatch(/^http:\/\/localhost:3000\/setup\?token=[\w-]{43}$/);

    const first = await t.app.inject({ method: 'POST', url: '/api/v1/setup', headers: { origin: TEST_ORIGIN }, payload: setupBody(tokenOf(outcome.url)) });
    expect(first.statusCode).toBe(201);
    expect(first.json().user.permissions).toContain('settings.manage');
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookieFrom(first) } });
    expect(me.json().user.email).toBe('admin1@example.com');
    // Setup signs in like every other way in: last-login time and the sign-in event.
    expect(me.json().user.lastLoginAt).not.toBeNull();
    const [signedIn] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.login.succeeded'));
    expect(signedIn).toMatchObject({ actorId: me.json().user.id, details: { method: 'setup' } });

    const again = await t.app.inject({ method: 'POST', url: '/api/v1/setup', headers: { origin: TEST_ORIGIN }, payload: setupBody(tokenOf(outcome.url), 2) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_complete');
    expect((await t.app.inject({ url: '/api/v1/setup' })).json()).toEqual({ setupRequired: false });
  });

  it('refuses an unknown token and keeps the real one usable', async () => {
    const outcome = await bootstrapFirstAdmin(t.handle.db, t.config);
    if (outcome.kind !== 'setup_link') throw new Error('expected a setup link');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: setupBody('x'.repeat(43)) });
    expect(wrong.statusCode).toBe(410);
    expect(wrong.json().error.code).toBe('setup_link_invalid');
    const right = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: setupBody(tokenOf(outcome.url)) });
    expect(right.statusCode).toBe(201);
  });

  it('expires after one hour', async () => {
    const issuedAt = new Date('2026-01-01T10:00:00Z');
    const outcome = await bootstrapFirstAdmin(t.handle.db, t.config, issuedAt);
    if (outcome.kind !== 'setup_link') throw new Error('expected a setup link');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T11:00:01Z'));
    const late = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: setupBody(tokenOf(outcome.url)) });
    expect(late.statusCode).toBe(410);
  });

  it('answers concurrent uses of one link with exactly one administrator', async () => {
    const outcome = await bootstrapFirstAdmin(t.handle.db, t.config);
    if (outcome.kind !== 'setup_link') throw new Error('expected a setup link');
    const replies = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: setupBody(tokenOf(outcome.url), n) })),
    );
    expect(replies.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const completed = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'setup.completed'));
    expect(completed).toHaveLength(1);
  });

  it('can be checked without being used, so the page explains a dead link instead of showing the form', async () => {
    const outcome = await bootstrapFirstAdmin(t.handle.db, t.config);
    if (outcome.kind !== 'setup_link') throw new Error('expected a setup link');
    const check = (token: string) => t.app.inject({ method: 'POST', url: '/api/v1/setup/check', headers: { origin: TEST_ORIGIN }, payload: { token } });
    expect((await check(tokenOf(outcome.url))).statusCode).toBe(204);
    expect((await check(tokenOf(outcome.url))).statusCode).toBe(204);
    expect((await check('x'.repeat(43))).json().error.code).toBe('setup_link_invalid');
    const used = await t.app.inject({ method: 'POST', url: '/api/v1/setup', payload: setupBody(tokenOf(outcome.url)) });
    expect(used.statusCode).toBe(201);
    expect((await check(tokenOf(outcome.url))).json().error.code).toBe('setup_complete');
  });
});
