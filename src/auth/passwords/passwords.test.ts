import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../../audit/schema.js';
import { mailOutbox } from '../../mail/schema.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { users } from '../../accounts/index.js';
import { enrolTotp } from '../mfa/testing.js';
import { oneTimeTokens } from '../one-time-tokens/schema.js';
import { passkeys } from '../passkeys/schema.js';
import { createSession } from '../sessions/service.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const post = (url: string, payload: object, headers: Record<string, string> = { origin: TEST_ORIGIN }) =>
  t.app.inject({ method: 'POST', url, headers, payload });
const forgot = (email: string) => post('/api/v1/auth/password/forgot', { email });
const reset = (token: string, password = 'a brand new password') => post('/api/v1/auth/password/reset', { token, password });
const me = (cookie: string) => t.app.inject({ url: '/api/v1/me', headers: { cookie } });

/** The token of the reset link mailed to `email`, read from the outbox as the mail worker would send it. */
async function mailedResetToken(email: string): Promise<string> {
  const [mail] = await t.handle.db.select().from(mailOutbox).where(and(eq(mailOutbox.recipient, email), eq(mailOutbox.template, 'password_reset')));
  const link = mail!.textBody.match(/http:\/\/localhost:3000\/reset-password\?token=\S+/)![0];
  return new URL(link).searchParams.get('token')!;
}

describe('forgot password', () => {
  it('asks for the address in the sentence the page shows', async () => {
    const blank = await forgot('  ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { email: 'Enter the email address of your account.' } } });
  });

  it('answers 202 with the same body and the same database work for known and unknown addresses', async () => {
    const user = await seedUser(t.handle);
    const known = await forgot(user.email.toUpperCase());
    const unknown = await forgot('nobody@example.com');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);

    const tokens = await t.handle.db.select().from(oneTimeTokens).where(eq(oneTimeTokens.purpose, 'password_reset'));
    expect(tokens.map((r) => r.userId).sort()).toEqual([user.id, null].sort());
    const lifetimes = tokens.map((r) => r.expiresAt.getTime() - r.createdAt.getTime());
    expect(lifetimes).toEqual([30 * 60_000, 30 * 60_000]);
    const mails = await t.handle.db.select().from(mailOutbox);
    expect(mails.map((m) => m.recipient)).toEqual([user.email]);
    const requested = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.password.reset_requested'));
    expect(requested.map((e) => e.details).sort((a, b) => String(a.email).localeCompare(String(b.email)))).toEqual([
      { email: 'nobody@example.com', mailed: false },
      { email: user.email, mailed: true },
    ]);
  });

  it('mails a 256-bit link that works once: of 20 concurrent uses exactly one succeeds', async () => {
    const user = await seedUser(t.handle);
    await forgot(user.email);
    const token = await mailedResetToken(user.email);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => reset(token, `new password number ${i}`)));
    expect(replies.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.statusCode === 410).map((r) => r.json().error.code)).toEqual(Array(19).fill('password_token_invalid'));
  });

  it('expires the link after 30 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await seedUser(t.handle);
    await forgot(user.email);
    const token = await mailedResetToken(user.email);
    vi.setSystemTime(new Date(Date.now() + 30 * 60_000 + 1000));
    expect((await reset(token)).statusCode).toBe(410);
  });

  it('sends nothing to disabled accounts and at most three links an hour to one address', async () => {
    const disabled = await seedUser(t.handle);
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, disabled.id));
    expect((await forgot(disabled.email)).statusCode).toBe(202);
    const user = await seedUser(t.handle);
    for (let i = 0; i < 5; i += 1) expect((await forgot(user.email)).statusCode).toBe(202);
    const mails = await t.handle.db.select().from(mailOutbox);
    expect(mails.map((m) => m.recipient)).toEqual([user.email, user.email, user.email]);
  });
});

describe('reset password', () => {
  it('sets the password, ends every other session, signs in afresh and updates the last login', async () => {
    const user = await seedUser(t.handle);
    const before = await signIn(t.app, user.email);
    await forgot(user.email);
    const res = await reset(await mailedResetToken(user.email));
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(user.id);
    expect((await me(before)).statusCode).toBe(401);
    expect((await me(sessionCookieFrom(res))).statusCode).toBe(200);
    const [row] = await t.handle.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.lastLoginAt).toBeInstanceOf(Date);
    await signIn(t.app, user.email, 'a brand new password');
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id));
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.password.reset', 'auth.login.succeeded']));
    expect(events.find((e) => e.action === 'auth.login.succeeded' && e.details.method === 'password_link')).toBeDefined();
  });

  it('does not bypass the second factor: with TOTP enrolled, the reset asks for it and starts no session', async () => {
    const user = await seedUser(t.handle);
    await enrolTotp(t, await signIn(t.app, user.email));
    await forgot(user.email);
    const res = await reset(await mailedResetToken(user.email));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ mfaRequired: true, methods: expect.arrayContaining(['totp']) });
    expect(res.cookies.filter((c) => c.name.endsWith('foyer_session') && c.value)).toHaveLength(0);
  });

  it('refuses a common or short password, naming the field, and keeps the link usable', async () => {
    const user = await seedUser(t.handle);
    await forgot(user.email);
    const token = await mailedResetToken(user.email);
    const common = await reset(token, 'Password123');
    expect(common.statusCode).toBe(400);
    expect(common.json().error).toMatchObject({ code: 'password_too_common', details: { fields: { password: expect.any(String) } } });
    expect((await reset(token, 'short')).json().error.code).toBe('password_too_short');
    expect((await reset(token)).statusCode).toBe(200);
  });
});

describe('changing your own password', () => {
  const change = (cookie: string, payload: object) => post('/api/v1/me/password', payload, asBrowser(cookie));

  it('needs the current password and a recent sign-in, and offers to end the other sessions', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const user = await seedUser(t.handle);
    const other = await signIn(t.app, user.email);
    const cookie = await signIn(t.app, user.email);

    const wrong = await change(cookie, { currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'current_password_incorrect', details: { fields: { currentPassword: expect.any(String) } } });
    expect((await change(cookie, { currentPassword: 'correct horse battery', newPassword: 'iloveyou1' })).json().error.code).toBe('password_too_common');

    const done = await change(cookie, { currentPassword: 'correct horse battery', newPassword: 'a brand new password' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ otherSessionCount: 1 });
    expect((await me(other)).statusCode).toBe(200);
    await signIn(t.app, user.email, 'a brand new password');
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'auth.password.changed'));
    expect(event).toMatchObject({ actorId: user.id, targetId: user.id });

    vi.setSystemTime(new Date(Date.now() + 11 * 60_000));
    const stale = await change(cookie, { currentPassword: 'a brand new password', newPassword: 'yet another new password' });
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('reauthentication_required');
  });
});

describe('setting a first password', () => {
  it('needs no current password when the account has none (it signed in with a passkey)', async () => {
    const user = await seedUser(t.handle, { password: undefined });
    const cookie = `foyer_session=${await createSession(t.handle.db, user.id, { ip: null, userAgent: null }, new Date())}`;
    const status = () => t.app.inject({ url: '/api/v1/me/password', headers: { cookie } });
    expect((await status()).json()).toEqual({ hasPassword: false, passwordsEnabled: true });
    const res = await post('/api/v1/me/password', { newPassword: 'my very first password' }, asBrowser(cookie));
    expect(res.json()).toEqual({ otherSessionCount: 0 });
    expect((await status()).json()).toEqual({ hasPassword: true, passwordsEnabled: true });
    await signIn(t.app, user.email, 'my very first password');
  });
});

describe('the passwords setting', () => {
  it('turns passwords off only for an administrator with a passkey, and then refuses every password route', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const patch = () => t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(cookie), payload: { passwords: { enabled: false } } });
    const options = async () => (await t.app.inject({ url: '/api/v1/auth/sign-in-options' })).json();

    expect((await t.app.inject({ url: '/api/v1/admin/settings', headers: { cookie } })).json().passwords).toEqual({ enabled: true });
    expect(await options()).toMatchObject({ passwordsEnabled: true });
    const refused = await patch();
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('passkey_required');

    await t.handle.db.insert(passkeys).values({
      userId: admin.id,
      credentialId: 'test-credential',
      publicKey: 'test-key',
      backedUp: false,
      deviceType: 'singleDevice',
      name: 'Laptop',
      createdAt: new Date(),
    });
    expect((await patch()).json().passwords).toEqual({ enabled: false });
    expect(await options()).toMatchObject({ passwordsEnabled: false });
    const codes = await Promise.all([
      post('/api/v1/auth/login', { identifier: admin.email, password: 'correct horse battery' }),
      forgot(admin.email),
      reset('x'.repeat(43)),
      post('/api/v1/me/password', { currentPassword: 'correct horse battery', newPassword: 'a brand new password' }, asBrowser(cookie)),
    ]);
    expect(codes.map((r) => `${r.statusCode} ${r.json().error.code}`)).toEqual(Array(4).fill('403 passwords_disabled'));
  });
});

describe('every new password meets the policy', () => {
  it('refuses a common password when an administrator creates an account', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const res = await post(
      '/api/v1/admin/users',
      { name: 'Bo', email: 'bo@example.com', username: 'bo', password: 'qwertyuiop' },
      asBrowser(await signIn(t.app, admin.email)),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'password_too_common', details: { fields: { password: expect.any(String) } } });
  });
});
