import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../../audit/schema.js';
import { systemContext } from '../../audit/record.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../../test/support.js';
import { completeSignIn } from '../sessions/complete-sign-in.js';
import { signInThrottles } from '../throttling/schema.js';
import { consumeCode, issueCode } from './codes.js';
import { consumeTotpCode } from './methods.js';
import { consumeRecoveryCode, regenerateRecoveryCodes } from './recovery-codes.js';
import { mfaCodes } from './schema.js';
import {
  enrolTotp,
  lastCodeSentTo,
  login,
  patchMfaSettings,
  pendingCookieFrom,
  sessionCookieFrom,
  submitCode,
} from './testing.js';
import { totpCodeAt } from './totp.js';

let t: TestApp;
let adminCookie: string;
const T0 = new Date('2026-11-23T12:00:10Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

/** A member with an authenticator app, enrolled at T0. */
async function memberWithTotp() {
  const user = await seedUser(t.handle, { roles: ['member'] });
  const cookie = await signIn(t.app, user.email);
  const { secret, recoveryCodes } = await enrolTotp(t, cookie, T0);
  return { user, cookie, secret, recoveryCodes: recoveryCodes! };
}

describe('signing in with an authenticator app', () => {
  it('stops at the second factor, then completes with a code and starts a session', async () => {
    const { user, secret } = await memberWithTotp();
    vi.setSystemTime(at(30));
    const first = await login(t, user.email);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ mfaRequired: true, methods: ['totp', 'recovery_code'], enrolmentRequired: false });
    expect(first.cookies.find((c) => c.name === 'foyer_session')).toBeUndefined();
    const pendingCookie = first.cookies.find((c) => c.name === 'foyer_mfa_pending')!;
    expect(pendingCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', maxAge: 300 });
    // The pending cookie is no session.
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: pendingCookieFrom(first) } })).statusCode).toBe(401);

    const done = await submitCode(t, pendingCookieFrom(first), 'totp', totpCodeAt(secret, at(30)));
    expect(done.statusCode).toBe(200);
    expect(done.json().user.id).toBe(user.id);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookieFrom(done) } });
    expect(me.statusCode).toBe(200);
    // The pending sign-in is spent.
    expect((await submitCode(t, pendingCookieFrom(first), 'totp', totpCodeAt(secret, at(60)))).json().error.code).toBe('mfa_sign_in_expired');
    const [event] = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.login.succeeded'), eq(auditEvents.targetId, user.id)))
      .orderBy(auditEvents.id)
      .offset(1);
    expect(event!.details).toEqual({ method: 'password', secondFactor: 'totp' });
  });

  it('accepts one step of drift either way and nothing older or newer', async () => {
    const { user, secret } = await memberWithTotp();
    vi.setSystemTime(at(300));
    const tryCode = async (when: Date) => submitCode(t, pendingCookieFrom(await login(t, user.email)), 'totp', totpCodeAt(secret, when));
    expect((await tryCode(at(300 - 60))).statusCode).toBe(401);
    expect((await tryCode(at(300 + 60))).statusCode).toBe(401);
    expect((await tryCode(at(300 - 30))).statusCode).toBe(200);
    expect((await tryCode(at(300 + 30))).statusCode).toBe(200);
    expect((await tryCode(at(300))).statusCode).toBe(200);
  });

  it('refuses a code that was already used, even within its window', async () => {
    const { user, secret } = await memberWithTotp();
    vi.setSystemTime(at(30));
    const code = totpCodeAt(secret, at(30));
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'totp', code)).statusCode).toBe(200);
    const replay = await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'totp', code);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('invalid_mfa_code');
    // The code used to enrol cannot sign in either.
    vi.setSystemTime(T0);
    const enrolCode = totpCodeAt(secret, T0);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'totp', enrolCode)).statusCode).toBe(401);
  });

  it('lets exactly one of 20 concurrent uses of one time step through', async () => {
    const { user, secret } = await memberWithTotp();
    const code = totpCodeAt(secret, at(30));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => consumeTotpCode(t.handle.db, t.config, { userId: user.id, code, now: at(30) })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('asks for the code in words the sign-in page shows on the field', async () => {
    const { user } = await memberWithTotp();
    const blank = await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'totp', '  ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { code: 'Enter the code.' } } });
  });

  it('refuses a method the pending sign-in does not offer, and a missing or expired pending cookie', async () => {
    const { user } = await memberWithTotp();
    const pending = pendingCookieFrom(await login(t, user.email));
    const sms = await submitCode(t, pending, 'sms', '123456');
    expect(sms.statusCode).toBe(400);
    expect(sms.json().error).toMatchObject({ code: 'mfa_method_unavailable', details: { fields: { method: expect.any(String) } } });
    expect((await submitCode(t, 'foyer_mfa_pending=nope', 'totp', '123456')).json().error.code).toBe('mfa_sign_in_expired');
    vi.setSystemTime(at(301));
    expect((await submitCode(t, pending, 'totp', '123456')).json().error.code).toBe('mfa_sign_in_expired');
  });

  it('does not ask passkey or SSO sign-ins for a second factor', async () => {
    const { user } = await memberWithTotp();
    for (const method of ['passkey', 'sso'] as const) {
      const result = await t.handle.db.transaction((tx) => completeSignIn(tx, systemContext(at(30)), user, { method }));
      expect(result.kind).toBe('signed_in');
    }
    for (const method of ['login_link', 'password_link', 'invitation'] as const) {
      const result = await t.handle.db.transaction((tx) => completeSignIn(tx, systemContext(at(30)), user, { method }));
      expect(result.kind).toBe('mfa_required');
    }
  });

  it('makes people joining under required two-factor set it up, even where others are locked out', async () => {
    await patchMfaSettings(t, adminCookie, { required: true, withoutMethod: 'lockout' });
    const newcomer = await seedUser(t.handle);
    for (const method of ['signup_link', 'invitation'] as const) {
      const result = await t.handle.db.transaction((tx) => completeSignIn(tx, systemContext(at(30)), newcomer, { method }));
      expect(result).toMatchObject({ kind: 'mfa_required', methods: [], enrolmentRequired: true });
    }
    const result = await t.handle.db.transaction((tx) => completeSignIn(tx, systemContext(at(30)), newcomer, { method: 'password_link' }));
    expect(result).toMatchObject({ kind: 'mfa_required', methods: ['recovery_code'], enrolmentRequired: false });
  });

  it('stops offering a method the administrator no longer allows', async () => {
    const { user } = await memberWithTotp();
    await patchMfaSettings(t, adminCookie, { allowedMethods: ['email'] });
    const res = await login(t, user.email);
    expect(res.json().user.id).toBe(user.id);
  });

  it('locks the method after 100 consecutive wrong codes, from any address', async () => {
    const { user, secret } = await memberWithTotp();
    vi.setSystemTime(at(30));
    await t.handle.db
      .insert(signInThrottles)
      .values({ scope: 'account', method: 'mfa_totp', subject: user.id, failures: 99, lastAttemptAt: at(0) });
    const pending = pendingCookieFrom(await login(t, user.email));
    expect((await submitCode(t, pending, 'totp', '000000')).statusCode).toBe(401);
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/mfa',
      headers: asBrowser(pending),
      payload: { method: 'totp', code: totpCodeAt(secret, at(30)) },
      remoteAddress: '203.0.113.9',
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('sign_in_locked');
    const actions = (await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id))).map((e) => e.action);
    expect(actions).toContain('auth.mfa.failed');
    expect(actions).toContain('auth.sign_in.locked');
  });
});

describe('email codes', () => {
  async function memberWithEmailCodes() {
    const user = await seedUser(t.handle, { roles: ['member'] });
    const cookie = await signIn(t.app, user.email);
    const started = await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/email', headers: asBrowser(cookie) });
    expect(started.statusCode).toBe(202);
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/mfa/email/confirm',
      headers: asBrowser(cookie),
      payload: { code: await lastCodeSentTo(t, user.email, 'email_verification_code') },
    });
    expect(confirmed.statusCode).toBe(200);
    return user;
  }

  it('are sent on request, work once, and expire after ten minutes', async () => {
    const user = await memberWithEmailCodes();
    const pending = pendingCookieFrom(await login(t, user.email));
    const sent = await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/send', headers: asBrowser(pending), payload: { method: 'email' } });
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toEqual({ sentTo: user.email });
    const code = await lastCodeSentTo(t, user.email, 'email_2fa_code');
    expect(code).toMatch(/^\d{6}$/);
    expect((await submitCode(t, pending, 'email', code)).statusCode).toBe(200);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'email', code)).statusCode).toBe(401);

    vi.setSystemTime(at(1));
    const later = pendingCookieFrom(await login(t, user.email));
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/send', headers: asBrowser(later), payload: { method: 'email' } });
    const stale = await lastCodeSentTo(t, user.email, 'email_2fa_code');
    vi.setSystemTime(at(10 * 60 + 2));
    const fresh = pendingCookieFrom(await login(t, user.email));
    expect((await submitCode(t, fresh, 'email', stale)).statusCode).toBe(401);
  });

  it('keep counting wrong guesses across a resend', async () => {
    const user = await memberWithEmailCodes();
    const pending = pendingCookieFrom(await login(t, user.email));
    const send = () => t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/send', headers: asBrowser(pending), payload: { method: 'email' } });
    await send();
    const wrong = async (n: number) => {
      for (let i = 0; i < n; i += 1) expect((await submitCode(t, pending, 'email', '999999')).statusCode).toBe(401);
    };
    // The guesses are a second apart so the throttle's growing delay (C) never gets in the way.
    const pause = () => vi.setSystemTime(new Date(Date.now() + 10_000));
    for (let i = 0; i < 3; i += 1) {
      pause();
      await wrong(1);
    }
    pause();
    await send();
    for (let i = 0; i < 2; i += 1) {
      pause();
      await wrong(1);
    }
    const [row] = await t.handle.db.select().from(mfaCodes).where(and(eq(mfaCodes.userId, user.id), eq(mfaCodes.purpose, 'sign_in')));
    expect(row!.failedAttempts).toBe(5);
    // Five wrong guesses in all spent the resent code, though it saw only two.
    pause();
    const right = await lastCodeSentTo(t, user.email, 'email_2fa_code');
    expect((await submitCode(t, pending, 'email', right)).statusCode).toBe(401);
  });

  it('let exactly one of 20 concurrent uses of one code through', async () => {
    const user = await seedUser(t.handle);
    const key = { userId: user.id, channel: 'email' as const, purpose: 'sign_in' as const };
    const { code } = await issueCode(t.handle.db, key, T0);
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeCode(t.handle.db, key, code, at(1))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('recovery codes at sign-in', () => {
  it('each work once, in any case and spacing', async () => {
    const { user, recoveryCodes } = await memberWithTotp();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const typed = recoveryCodes[0]!.toLowerCase().replace(/-/g, ' ');
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', typed)).statusCode).toBe(200);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', recoveryCodes[0]!)).statusCode).toBe(401);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', recoveryCodes[1]!)).statusCode).toBe(200);
  });

  it('let exactly one of 20 concurrent uses of one code through', async () => {
    const user = await seedUser(t.handle);
    const [code] = await regenerateRecoveryCodes(t.handle.db, user.id, T0);
    const results = await Promise.all(Array.from({ length: 20 }, () => consumeRecoveryCode(t.handle.db, user.id, code!, at(1))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
