import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../../test/support.js';
import { mfaMethods, mfaRecoveryCodes } from './schema.js';
import {
  enrolTotp,
  lastCodeSentTo,
  login,
  messagesTo,
  patchMfaSettings,
  pendingCookieFrom,
  sessionCookieFrom,
  submitCode,
} from './testing.js';
import { totpCodeAt } from './totp.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof seedUser>>;
let adminCookie: string;
const T0 = new Date('2026-11-23T12:00:10Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  t = await createTestApp();
  admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const post = (url: string, cookie: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: asBrowser(cookie), ...(payload ? { payload } : {}) });

async function member() {
  const user = await seedUser(t.handle, { roles: ['member'] });
  return { user, cookie: await signIn(t.app, user.email) };
}

describe('API description', () => {
  it('documents every two-factor endpoint in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/auth/mfa',
      '/api/v1/auth/mfa/send',
      '/api/v1/me/mfa',
      '/api/v1/me/mfa/totp',
      '/api/v1/me/mfa/{method}/confirm',
      '/api/v1/me/mfa/{method}',
      '/api/v1/me/recovery-codes',
      '/api/v1/me/reauthenticate',
      '/api/v1/admin/users/{id}/recovery-code',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

describe('settings', () => {
  it('default to optional two-factor with every method allowed, and validate changes', async () => {
    const read = await t.app.inject({ url: '/api/v1/admin/settings', headers: { cookie: adminCookie } });
    expect(read.json().mfa).toEqual({ allowedMethods: ['totp', 'email', 'sms'], required: false, withoutMethod: 'lockout', smsWebhookUrl: null });
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(adminCookie),
      payload: { mfa: { allowedMethods: [], smsWebhookUrl: 'ftp://x' } },
    });
    expect(bad.statusCode).toBe(400);
    // The settings form validates with these same fields (src/auth/fields.ts), so it shows these sentences too.
    expect(bad.json().error.details.fields).toEqual({
      'mfa.allowedMethods': 'Allow at least one method.',
      'mfa.smsWebhookUrl': 'Enter an http:// or https:// address.',
    });
    const saved = await patchMfaSettings(t, adminCookie, { allowedMethods: ['sms', 'totp'], required: true, withoutMethod: 'enrol_at_sign_in' });
    expect(saved.json().mfa).toMatchObject({ allowedMethods: ['totp', 'sms'], required: true, withoutMethod: 'enrol_at_sign_in' });
  });
});

describe('authenticator app enrolment', () => {
  it('shows a secret, URI and QR code, and counts only once a code is verified', async () => {
    const { user, cookie } = await member();
    const started = await post('/api/v1/me/mfa/totp', cookie);
    expect(started.statusCode).toBe(200);
    const { secret, otpauthUri, qrCode } = started.json();
    expect(otpauthUri).toMatch(new RegExp(`^otpauth://totp/Foyer:${encodeURIComponent(user.email)}\\?.*secret=${secret}`));
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const [row] = await t.handle.db.select().from(mfaMethods).where(eq(mfaMethods.userId, user.id));
    expect(row!.secretSealed).not.toContain(secret);
    expect(row!.confirmedAt).toBeNull();
    // Not yet a way in.
    expect((await login(t, user.email)).json().user.id).toBe(user.id);

    const wrong = await post('/api/v1/me/mfa/totp/confirm', cookie, { code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error).toMatchObject({ code: 'invalid_mfa_code', details: { fields: { code: expect.any(String) } } });
    const ok = await post('/api/v1/me/mfa/totp/confirm', cookie, { code: totpCodeAt(secret, T0) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ method: 'totp', otherSessionCount: 1 });
    expect(ok.json().recoveryCodes).toHaveLength(10);
    const status = await t.app.inject({ url: '/api/v1/me/mfa', headers: { cookie } });
    expect(status.json()).toMatchObject({ methods: [{ kind: 'totp', phone: null }], recoveryCodesRemaining: 10, enrolmentRequired: false });
    expect((await post('/api/v1/me/mfa/totp', cookie)).json().error.code).toBe('mfa_method_exists');
  });

  it('is refused when the administrator does not allow it', async () => {
    await patchMfaSettings(t, adminCookie, { allowedMethods: ['email'] });
    const { cookie } = await member();
    expect((await post('/api/v1/me/mfa/totp', cookie)).json().error.code).toBe('mfa_method_not_allowed');
  });
});

describe('changing second factors needs a recent sign-in', () => {
  it('refuses after ten minutes until the person re-authenticates with their password or app', async () => {
    const { cookie } = await member();
    const { secret } = await enrolTotp(t, cookie, T0);
    vi.setSystemTime(at(11 * 60));
    for (const res of [
      await post('/api/v1/me/mfa/email', cookie),
      await post('/api/v1/me/recovery-codes', cookie),
      await t.app.inject({ method: 'DELETE', url: '/api/v1/me/mfa/totp', headers: asBrowser(cookie) }),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('reauthentication_required');
    }
    const wrong = await post('/api/v1/me/reauthenticate', cookie, { password: 'not it at all' });
    expect(wrong.statusCode).toBe(401);
    expect((await post('/api/v1/me/reauthenticate', cookie, { password: 'correct horse battery' })).statusCode).toBe(200);
    expect((await post('/api/v1/me/recovery-codes', cookie)).statusCode).toBe(200);

    vi.setSystemTime(at(22 * 60));
    expect((await post('/api/v1/me/recovery-codes', cookie)).statusCode).toBe(403);
    const viaApp = await post('/api/v1/me/reauthenticate', cookie, { method: 'totp', code: totpCodeAt(secret, at(22 * 60)) });
    expect(viaApp.statusCode).toBe(200);
    expect((await post('/api/v1/me/recovery-codes', cookie)).statusCode).toBe(200);
    const actions = (await t.handle.db.select().from(auditEvents)).map((e) => e.action);
    expect(actions.filter((a) => a === 'auth.reauthenticated')).toHaveLength(2);
    expect(actions).toContain('auth.reauthentication.failed');
  });
});

describe('recovery codes', () => {
  it('regenerate as a new set of ten, shown once, and the old set stops working', async () => {
    const { user, cookie } = await member();
    const { recoveryCodes: first } = await enrolTotp(t, cookie, T0);
    const again = await post('/api/v1/me/recovery-codes', cookie);
    const second = again.json().recoveryCodes as string[];
    expect(second).toHaveLength(10);
    const stored = await t.handle.db.select().from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, user.id));
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(second[0]!);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', first![0]!)).statusCode).toBe(401);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', second[0]!)).statusCode).toBe(200);
  });
});

describe('removing a method', () => {
  it('answers how many other sessions there are, and keeps the last method while two-factor is required', async () => {
    const { user, cookie } = await member();
    await enrolTotp(t, cookie, T0);
    await patchMfaSettings(t, adminCookie, { required: true });
    const refused = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/mfa/totp', headers: asBrowser(cookie) });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('last_mfa_method');
    await patchMfaSettings(t, adminCookie, { required: false });
    const removed = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/mfa/totp', headers: asBrowser(cookie) });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ otherSessionCount: 0 });
    expect((await login(t, user.email)).json().user.id).toBe(user.id);
  });
});

describe('required two-factor, lockout (seed 001)', () => {
  it('refuses someone without a method until an administrator issues a recovery code, which works once and leads to enrolment', async () => {
    const { user } = await member();
    await patchMfaSettings(t, adminCookie, { required: true, withoutMethod: 'lockout' });
    const first = await login(t, user.email);
    expect(first.json()).toEqual({ mfaRequired: true, methods: ['recovery_code'], enrolmentRequired: false });
    expect((await submitCode(t, pendingCookieFrom(first), 'recovery_code', 'AAAA-BBBB-CCCC-DDDD')).statusCode).toBe(401);

    const issued = await post(`/api/v1/admin/users/${user.id}/recovery-code`, adminCookie);
    expect(issued.statusCode).toBe(201);
    const { code } = issued.json();
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);

    const pending = pendingCookieFrom(await login(t, user.email));
    const used = await submitCode(t, pending, 'recovery_code', code);
    expect(used.statusCode).toBe(200);
    expect(used.json()).toEqual({ mfaRequired: true, methods: [], enrolmentRequired: true });
    // Still no session: nothing but enrolment works.
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: pending } })).statusCode).toBe(401);
    expect((await submitCode(t, pending, 'totp', '123456')).json().error.code).toBe('mfa_enrolment_required');
    expect((await t.app.inject({ url: '/api/v1/me/mfa', headers: { cookie: pending } })).json()).toMatchObject({ enrolmentRequired: true, required: true });

    const { secret } = (await post('/api/v1/me/mfa/totp', pending)).json();
    const done = await post('/api/v1/me/mfa/totp/confirm', pending, { code: totpCodeAt(secret, T0) });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ method: 'totp', user: { id: user.id } });
    expect(done.json().recoveryCodes).toHaveLength(10);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookieFrom(done) } })).statusCode).toBe(200);

    // The administrator's code is spent.
    vi.setSystemTime(at(60));
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', code)).statusCode).toBe(401);
    const actions = (await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['mfa.recovery_code_issued', 'mfa.recovery_code_used', 'mfa.method_added']));
  });
});

describe('required two-factor, enrol at sign-in', () => {
  it('lets someone without a method sign in only by setting one up first', async () => {
    const { user } = await member();
    await patchMfaSettings(t, adminCookie, { required: true, withoutMethod: 'enrol_at_sign_in' });
    const first = await login(t, user.email);
    expect(first.json()).toEqual({ mfaRequired: true, methods: [], enrolmentRequired: true });
    const pending = pendingCookieFrom(first);
    expect(first.cookies.find((c) => c.name === 'foyer_mfa_pending')!.maxAge).toBe(900);
    expect((await t.app.inject({ url: '/api/v1/admin/users', headers: { cookie: pending } })).statusCode).toBe(401);
    expect((await submitCode(t, pending, 'recovery_code', 'AAAA-BBBB-CCCC-DDDD')).json().error.code).toBe('mfa_enrolment_required');

    expect((await post('/api/v1/me/mfa/email', pending)).statusCode).toBe(202);
    const done = await post('/api/v1/me/mfa/email/confirm', pending, { code: await lastCodeSentTo(t, user.email, 'email_verification_code') });
    expect(done.statusCode).toBe(200);
    expect(done.json().user.id).toBe(user.id);
    // Next time, the new method is asked for.
    expect((await login(t, user.email)).json()).toMatchObject({ mfaRequired: true, methods: ['email', 'recovery_code'] });
  });

  it('does not let an ordinary session stand in for an enrolling one, nor a pending cookie be reused once signed in', async () => {
    const { user } = await member();
    await patchMfaSettings(t, adminCookie, { required: true, withoutMethod: 'enrol_at_sign_in' });
    const pending = pendingCookieFrom(await login(t, user.email));
    const { secret } = (await post('/api/v1/me/mfa/totp', pending)).json();
    expect((await post('/api/v1/me/mfa/totp/confirm', pending, { code: totpCodeAt(secret, T0) })).statusCode).toBe(200);
    expect((await post('/api/v1/me/mfa/email', pending)).statusCode).toBe(401);
  });
});

describe('administrator-issued recovery codes', () => {
  it('need users.update, are refused for oneself, shown once and stored hashed', async () => {
    const { user, cookie } = await member();
    expect((await post(`/api/v1/admin/users/${user.id}/recovery-code`, cookie)).statusCode).toBe(403);
    expect((await post(`/api/v1/admin/users/${admin.id}/recovery-code`, adminCookie)).json().error.code).toBe('self_action_refused');
    expect((await post('/api/v1/admin/users/not-a-user/recovery-code', adminCookie)).statusCode).toBe(404);
    const { code } = (await post(`/api/v1/admin/users/${user.id}/recovery-code`, adminCookie)).json();
    const newer = (await post(`/api/v1/admin/users/${user.id}/recovery-code`, adminCookie)).json().code;
    const rows = await t.handle.db.select().from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(newer);
    // The newer code replaced the older one.
    await enrolTotp(t, cookie, T0);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', code)).statusCode).toBe(401);
    expect((await submitCode(t, pendingCookieFrom(await login(t, user.email)), 'recovery_code', newer)).statusCode).toBe(200);
  });

  it('shows the second factors a user has on their admin page', async () => {
    const { user, cookie } = await member();
    await enrolTotp(t, cookie, T0);
    const detail = await t.app.inject({ url: `/api/v1/admin/users/${user.id}`, headers: { cookie: adminCookie } });
    expect(detail.json().mfaMethods).toEqual(['totp']);
  });
});

describe('SMS codes', () => {
  it('go to the dev mailbox when no gateway is configured', async () => {
    const { user, cookie } = await member();
    const started = await post('/api/v1/me/mfa/sms', cookie, { phone: '+44 20 7946 0958' });
    expect(started.statusCode).toBe(202);
    expect(started.json().sentTo).toMatch(/^\+44•+58$/);
    const [sms] = await messagesTo(t, '+442079460958', 'sms');
    expect(sms).toMatchObject({ status: 'captured', subject: 'SMS to +442079460958' });
    const code = await lastCodeSentTo(t, '+442079460958', 'sms');
    expect((await post('/api/v1/me/mfa/sms/confirm', cookie, { code })).statusCode).toBe(200);
    expect((await login(t, user.email)).json().methods).toEqual(['sms', 'recovery_code']);
    const bad = await post('/api/v1/me/mfa/sms', (await member()).cookie, { phone: '12345' });
    expect(bad.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { phone: expect.any(String) } } });
    const long = await post('/api/v1/me/mfa/sms', (await member()).cookie, { phone: '+4'.padEnd(33, '0') });
    expect(long.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { phone: 'A phone number is at most 32 characters.' } } });
  });

  describe('through a webhook', () => {
    let server: Server;
    let received: { body: unknown; contentType: string | undefined }[];
    let status: number;
    beforeEach(async () => {
      received = [];
      status = 200;
      server = createServer((req: IncomingMessage, res) => {
        let data = '';
        req.on('data', (chunk: Buffer) => (data += chunk.toString()));
        req.on('end', () => {
          received.push({ body: JSON.parse(data), contentType: req.headers['content-type'] });
          res.writeHead(status).end('{}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('POST {to, text} to the configured URL, and a refusing gateway answers 502', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
      await patchMfaSettings(t, adminCookie, { smsWebhookUrl: url });
      const { user, cookie } = await member();
      expect((await post('/api/v1/me/mfa/sms', cookie, { phone: '+15550100123' })).statusCode).toBe(202);
      expect(received).toHaveLength(1);
      const body = received[0]!.body as { to: string; text: string };
      expect(received[0]!.contentType).toBe('application/json');
      expect(body.to).toBe('+15550100123');
      const code = /(\d{6})/.exec(body.text)![1]!;
      expect(await messagesTo(t, '+15550100123', 'sms')).toHaveLength(0);
      expect((await post('/api/v1/me/mfa/sms/confirm', cookie, { code })).statusCode).toBe(200);

      const pending = pendingCookieFrom(await login(t, user.email));
      status = 500;
      const failed = await post('/api/v1/auth/mfa/send', pending, { method: 'sms' });
      expect(failed.statusCode).toBe(502);
      expect(failed.json().error.code).toBe('sms_not_sent');
      status = 200;
      vi.setSystemTime(at(5));
      expect((await post('/api/v1/auth/mfa/send', pending, { method: 'sms' })).statusCode).toBe(202);
      const signInCode = /(\d{6})/.exec((received.at(-1)!.body as { text: string }).text)![1]!;
      expect((await submitCode(t, pending, 'sms', signInCode)).statusCode).toBe(200);
    });
  });
});
