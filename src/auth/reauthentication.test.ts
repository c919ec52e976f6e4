import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { users } from '../accounts/index.js';
import { mfaMethods } from './mfa/schema.js';
import { passkeys } from './passkeys/schema.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** Someone signed in with their password, who then keeps only what the test gives them. */
async function person(has: { password?: boolean; passkey?: boolean; totp?: boolean }) {
  const user = await seedUser(t.handle, { roles: ['member'] });
  const cookie = await signIn(t.app, user.email);
  const now = new Date();
  if (!has.password) await t.handle.db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id));
  if (has.passkey) {
    await t.handle.db.insert(passkeys).values({
      userId: user.id,
      credentialId: `cred-${user.id}`,
      publicKey: 'pk',
      backedUp: false,
      deviceType: 'singleDevice',
      name: 'Laptop',
      createdAt: now,
    });
  }
  if (has.totp) await t.handle.db.insert(mfaMethods).values({ userId: user.id, kind: 'totp', createdAt: now, confirmedAt: now });
  return { user, cookie };
}

const methods = async (cookie: string) => {
  const res = await t.app.inject({ url: '/api/v1/me/reauthenticate', headers: { cookie } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json().methods as string[];
};

const confirm = (cookie: string, body: object) =>
  t.app.inject({ method: 'POST', url: '/api/v1/me/reauthenticate', headers: asBrowser(cookie), payload: body });

describe('which ways of confirming it is you are offered', () => {
  it('lists exactly the methods the person has', async () => {
    expect(await methods((await person({ password: true })).cookie)).toEqual(['password']);
    expect(await methods((await person({ passkey: true })).cookie)).toEqual(['passkey']);
    expect(await methods((await person({ password: true, passkey: true, totp: true })).cookie)).toEqual(['passkey', 'password', 'totp']);
  });

  it('leaves out a passkey flagged as a possible clone', async () => {
    const { user, cookie } = await person({ password: true, passkey: true });
    await t.handle.db.update(passkeys).set({ signCountRegressedAt: new Date() }).where(eq(passkeys.userId, user.id));
    expect(await methods(cookie)).toEqual(['password']);
  });

  it('needs a signed-in person', async () => {
    expect((await t.app.inject({ url: '/api/v1/me/reauthenticate' })).statusCode).toBe(401);
  });
});

describe('a missing password or code', () => {
  it('is named on its field, in the sentence the prompt shows', async () => {
    const { cookie } = await person({ password: true, totp: true });
    const password = await confirm(cookie, { password: '' });
    expect(password.statusCode).toBe(400);
    expect(password.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { password: 'Enter your password.' } } });
    const code = await confirm(cookie, { method: 'totp', code: ' ' });
    expect(code.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { code: 'Enter the code.' } } });
  });
});

describe('refusing methods the person does not have', () => {
  it('answers 409 for a password when the account has none', async () => {
    const { cookie } = await person({ passkey: true });
    const res = await confirm(cookie, { password: 'correct horse battery' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'reauthentication_method_unavailable', details: { method: 'password', available: ['passkey'] } });
  });

  it('answers 409 for an authenticator code when no authenticator app is set up', async () => {
    const { cookie } = await person({ password: true });
    const res = await confirm(cookie, { method: 'totp', code: '123456' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'reauthentication_method_unavailable', details: { method: 'totp', available: ['password'] } });
  });

  it('answers 409 for a passkey when the person has none', async () => {
    const { cookie } = await person({ password: true });
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/reauthenticate/passkey/options', headers: asBrowser(cookie) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('no_passkeys');
  });

  it('still confirms with a method the person has', async () => {
    const { cookie } = await person({ password: true });
    expect((await confirm(cookie, { password: 'correct horse battery' })).statusCode).toBe(200);
    expect((await confirm(cookie, { password: 'not the password' })).statusCode).toBe(401);
  });
});
