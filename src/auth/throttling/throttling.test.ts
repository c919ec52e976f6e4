import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditContext } from '../../audit/index.js';
import { auditEvents } from '../../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { FoyerError } from '../../platform/errors.js';
import { issueOneTimeToken } from '../one-time-tokens/service.js';
import { signInWithPassword } from '../sessions/sign-in.js';
import { verifyPassword, type PasswordVerifier } from '../passwords/hashing.js';
import { signInThrottles } from './schema.js';
import { ACCOUNT_FAILURE_LIMIT, FREE_FAILURES, MAX_DELAY_SECONDS, pruneSignInThrottles } from './service.js';

let t: TestApp;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-03-02T09:00:00Z'));
  t = await createTestApp();
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const login = (identifier: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: TEST_ORIGIN }, remoteAddress: ip, payload: { identifier, password } });

const advance = (seconds: number) => vi.setSystemTime(new Date(Date.now() + seconds * 1000));

const contextFrom = (ip: string): AuditContext => ({ actorType: 'anonymous', actorId: null, ip, userAgent: null, now: new Date() });

/** Calls the real sign-in service with a verifier that says "wrong" at once, to reach high failure counts quickly. */
async function failFast(identifier: string, ip: string) {
  const wrong: PasswordVerifier = async () => false;
  return signInWithPassword(t.handle.db, contextFrom(ip), { identifier, password: 'wrong guess' }, wrong).then(
    () => 'signed_in',
    (error: unknown) => (error instanceof FoyerError ? error.code : 'crashed'),
  );
}

/** Fails until the lock, one attempt after each delay has passed, from a new address every time. */
async function failUntilLocked(identifier: string) {
  for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i += 1) {
    expect(await failFast(identifier, `198.51.${Math.floor(i / 200)}.${i % 200}`)).toBe('invalid_credentials');
    advance(MAX_DELAY_SECONDS);
  }
}

describe('brute-force protection of password sign-in', () => {
  it('answers with growing delays and Retry-After after five failures, for known and unknown accounts alike', async () => {
    const user = await seedUser(t.handle);
    const replay = async (identifier: string) => {
      const seen: string[] = [];
      const attempt = async (ip: string) => {
        const res = await login(identifier, 'wrong password', ip);
        seen.push(res.statusCode === 429 ? `429 ${res.json().error.code} ${res.headers['retry-after']}` : String(res.statusCode));
      };
      // Each from a different address: the account's own counter applies whoever asks.
      for (let i = 0; i < FREE_FAILURES.account; i += 1) await attempt(`10.1.${identifier.length}.${i}`);
      for (const delay of [1, 2, 4]) {
        await attempt('10.2.0.1');
        advance(delay);
        await attempt('10.2.0.2');
      }
      return seen;
    };
    const known = await replay(user.email);
    expect(known).toEqual([
      '401', '401', '401', '401', '401',
      '429 too_many_attempts 1', '401',
      '429 too_many_attempts 2', '401',
      '429 too_many_attempts 4', '401',
    ]);
    expect(await replay('nobody-here@example.com')).toEqual(known);
    const throttled = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.login.throttled'));
    expect(throttled).toHaveLength(6);
  });

  it('lets the right password in within the free failures and starts counting again from zero', async () => {
    const user = await seedUser(t.handle);
    for (let i = 0; i < FREE_FAILURES.account - 1; i += 1) expect((await login(user.username, 'wrong password')).statusCode).toBe(401);
    expect((await login(user.username, 'correct horse battery')).statusCode).toBe(200);
    for (let i = 0; i < FREE_FAILURES.account; i += 1) expect((await login(user.username, 'wrong password')).statusCode).toBe(401);
    expect((await login(user.username, 'correct horse battery')).statusCode).toBe(429);
  });

  it('counts concurrent guesses one by one: of 20 at once, only the free ones are checked', async () => {
    const user = await seedUser(t.handle);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => login(user.email, `guess number ${i}`, `10.3.0.${i}`)));
    expect(replies.filter((r) => r.statusCode === 401)).toHaveLength(FREE_FAILURES.account);
    expect(replies.filter((r) => r.statusCode === 429)).toHaveLength(20 - FREE_FAILURES.account);
  });

  it('slows down one address trying many accounts', async () => {
    for (let i = 0; i < FREE_FAILURES.ip; i += 1) expect(await failFast(`someone${i}@example.com`, '203.0.113.9')).toBe('invalid_credentials');
    expect(await failFast('one-more@example.com', '203.0.113.9')).toBe('too_many_attempts');
    expect(await failFast('one-more@example.com', '203.0.113.10')).toBe('invalid_credentials');
  });

  it('spends exactly one password verification on known, unknown and password-less accounts alike', async () => {
    const known = await seedUser(t.handle);
    const pending = await seedUser(t.handle, { password: undefined });
    for (const identifier of [known.email, 'ghost@example.com', pending.username]) {
      let verifications = 0;
      const counting: PasswordVerifier = (hash, password) => {
        verifications += 1;
        return verifyPassword(hash, password);
      };
      const outcome = await signInWithPassword(t.handle.db, contextFrom('10.4.0.1'), { identifier, password: 'not the password' }, counting).catch(
        (error: FoyerError) => ({ status: error.status, code: error.code, message: error.message }),
      );
      expect(outcome).toEqual({ status: 401, code: 'invalid_credentials', message: 'The email, username or password is not correct.' });
      expect(verifications).toBe(1);
    }
  });

  it('locks the account after 100 consecutive failures: the 101st is refused from a new address, even with the right password', async () => {
    const user = await seedUser(t.handle);
    await failUntilLocked(user.email);
    const [lock] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.sign_in.locked'));
    expect(lock).toMatchObject({ targetId: user.id, details: { method: 'password', failures: ACCOUNT_FAILURE_LIMIT } });

    const refused = await login(user.email, 'correct horse battery', '192.0.2.200');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('sign_in_locked');
    advance(24 * 60 * 60);
    expect((await login(user.email, 'correct horse battery', '192.0.2.201')).json().error.code).toBe('sign_in_locked');
    const failedEvents = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.login.failed'), eq(auditEvents.targetId, user.id)));
    expect(failedEvents).toHaveLength(ACCOUNT_FAILURE_LIMIT);
  });

  it('counts the email and the username of one account together, so the lock holds whichever name is typed', async () => {
    const user = await seedUser(t.handle);
    for (let i = 0; i < ACCOUNT_FAILURE_LIMIT; i += 1) {
      const name = i % 2 === 0 ? user.email.toUpperCase() : user.username;
      expect(await failFast(name, `198.51.${Math.floor(i / 200)}.${i % 200}`)).toBe('invalid_credentials');
      advance(MAX_DELAY_SECONDS);
    }
    expect((await login(user.username, 'correct horse battery', '192.0.2.50')).json().error.code).toBe('sign_in_locked');
    expect((await login(user.email, 'correct horse battery', '192.0.2.51')).json().error.code).toBe('sign_in_locked');
  });

  it('never keeps the typed identifier in the audit log: a failure names the account it resolved to, or nobody', async () => {
    const user = await seedUser(t.handle);
    await login(user.username, 'wrong password');
    await login('typo-ghost@example.com', 'wrong password');
    for (let i = 0; i < FREE_FAILURES.account; i += 1) await login('typo-ghost@example.com', 'wrong password', `10.9.0.${i}`);
    const events = (await t.handle.db.select().from(auditEvents)).filter((e) => e.action.startsWith('auth.'));
    const logged = JSON.stringify(events);
    expect(logged).not.toContain('typo-ghost');
    expect(logged).not.toContain(user.username);
    const failed = events.filter((e) => e.action === 'auth.login.failed');
    expect(failed.map((e) => e.targetId)).toEqual([user.id, ...Array(FREE_FAILURES.account).fill(null)]);
    expect(events.some((e) => e.action === 'auth.login.throttled')).toBe(true);
  });

  it('locks unknown identifiers the same way', async () => {
    await failUntilLocked('ghost@example.com');
    expect((await login('ghost@example.com', 'anything at all', '192.0.2.7')).json().error.code).toBe('sign_in_locked');
  });

  it('an administrator with users.update unlocks, and the unlock is audited', async () => {
    const user = await seedUser(t.handle);
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    await failUntilLocked(user.username);

    const adminCookie = await signIn(t.app, admin.email);
    const locks = await t.app.inject({ url: `/api/v1/admin/users/${user.id}/sign-in-locks`, headers: { cookie: adminCookie } });
    expect(locks.json()).toEqual({ items: [{ method: 'password', lockedAt: expect.any(String) }] });

    const unlock = (cookie: string) =>
      t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${user.id}/unlock-sign-in`, headers: asBrowser(cookie) });
    expect((await unlock(await signIn(t.app, viewer.email))).statusCode).toBe(403);
    const done = await unlock(adminCookie);
    expect(done.json()).toEqual({ unlockedMethods: ['password'] });
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.sign_in.unlocked'));
    expect(event).toMatchObject({ actorId: admin.id, targetId: user.id, details: { methods: ['password'], via: 'administrator' } });
    expect((await login(user.username, 'correct horse battery', '192.0.2.9')).statusCode).toBe(200);
    expect((await unlock(adminCookie)).statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/unlock-sign-in', headers: asBrowser(adminCookie) })).statusCode,
    ).toBe(404);
  });

  it('a password reset lifts the lock', async () => {
    const user = await seedUser(t.handle);
    await failUntilLocked(user.email);
    const token = await issueOneTimeToken(t.handle.db, { purpose: 'password_reset', userId: user.id, ttlMs: 60_000, now: new Date() });
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password/reset',
      headers: { origin: TEST_ORIGIN },
      payload: { token, password: 'a brand new password' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await login(user.email, 'a brand new password', '192.0.2.10')).statusCode).toBe(200);
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.sign_in.unlocked'));
    expect(event).toMatchObject({ targetId: user.id, details: { via: 'password_reset' } });
  });

  it('housekeeping forgets idle addresses and harmless account counts, never a lock or a delay in progress', async () => {
    await failUntilLocked('locked@example.com');
    for (let i = 0; i < FREE_FAILURES.account; i += 1) await failFast('slowed@example.com', '203.0.113.1');
    await failFast('harmless@example.com', '203.0.113.2');
    advance(24 * 60 * 60 + 1);
    await pruneSignInThrottles(t.handle.db, new Date());
    const left = await t.handle.db.select({ scope: signInThrottles.scope, subject: signInThrottles.subject }).from(signInThrottles);
    expect(left.sort((a, b) => a.subject.localeCompare(b.subject))).toEqual([
      { scope: 'account', subject: 'locked@example.com' },
      { scope: 'account', subject: 'slowed@example.com' },
    ]);
  });
});
