import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../../audit/schema.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { users } from '../../accounts/index.js';
import { sessions } from '../sessions/schema.js';
import { passkeys, webauthnChallenges } from './schema.js';
import { userHandleOf } from './service.js';
import { createSoftwareAuthenticator, type CeremonyOverrides, type SoftwareAuthenticator } from './testing.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const post = (url: string, headers: Record<string, string>, payload?: object) =>
  payload === undefined ? t.app.inject({ method: 'POST', url, headers }) : t.app.inject({ method: 'POST', url, headers, payload });

async function registerPasskey(cookie: string, authenticator: SoftwareAuthenticator, name?: string, overrides?: CeremonyOverrides) {
  const options = await post('/api/v1/me/passkeys/options', asBrowser(cookie));
  expect(options.statusCode).toBe(200);
  const response = authenticator.register(options.json().options, overrides);
  return post('/api/v1/me/passkeys', asBrowser(cookie), { name, response });
}

async function passkeyAssertion(authenticator: SoftwareAuthenticator, overrides?: CeremonyOverrides) {
  const options = await post('/api/v1/auth/passkey/options', { origin: TEST_ORIGIN });
  expect(options.statusCode).toBe(200);
  return authenticator.assert(options.json().options, overrides);
}

const verifySignIn = (response: unknown) => post('/api/v1/auth/passkey/verify', { origin: TEST_ORIGIN }, { response });

async function userWithPasskey(name = 'Laptop') {
  const user = await seedUser(t.handle);
  const cookie = await signIn(t.app, user.email);
  const authenticator = createSoftwareAuthenticator({ origin: TEST_ORIGIN });
  const registered = await registerPasskey(cookie, authenticator, name);
  expect(registered.statusCode).toBe(201);
  return { user, cookie, authenticator, passkeyId: registered.json().passkey.id as string };
}

const auditOf = (action: string) => t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, action));

describe('registering a passkey', () => {
  it('stores the credential, lists it and audits it', async () => {
    const { user, cookie, passkeyId } = await userWithPasskey('Work laptop');
    const list = await t.app.inject({ url: '/api/v1/me/passkeys', headers: { cookie } });
    expect(list.json()).toEqual({
      items: [
        {
          id: passkeyId,
          name: 'Work laptop',
          createdAt: expect.any(String),
          lastUsedAt: null,
          deviceType: 'singleDevice',
          backedUp: false,
          transports: ['internal'],
          signCountRegressedAt: null,
        },
      ],
      nextCursor: null,
    });
    const [event] = await auditOf('passkey.registered');
    expect(event).toMatchObject({ actorId: user.id, targetId: user.id, details: { passkeyId, name: 'Work laptop' } });
  });

  it('names an unnamed passkey after the browser it was added from', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const authenticator = createSoftwareAuthenticator({ origin: TEST_ORIGIN });
    const options = await post('/api/v1/me/passkeys/options', asBrowser(cookie));
    const response = authenticator.register(options.json().options);
    const ua = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
    const res = await post('/api/v1/me/passkeys', { ...asBrowser(cookie), 'user-agent': ua }, { response });
    expect(res.json().passkey.name).toBe('Chrome on Linux');
  });

  it('asks for discoverable, user-verified credentials bound to the public URL, excluding ones already registered', async () => {
    const { cookie, authenticator } = await userWithPasskey();
    const options = (await post('/api/v1/me/passkeys/options', asBrowser(cookie))).json().options;
    expect(options.rp).toEqual({ id: 'localhost', name: 'Foyer' });
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.excludeCredentials).toEqual([
      expect.objectContaining({ id: authenticator.credentials[0]!.id.toString('base64url') }),
    ]);
  });

  it('refuses a response made for another origin or relying party', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const authenticator = createSoftwareAuthenticator({ origin: TEST_ORIGIN });
    const wrongOrigin = await registerPasskey(cookie, authenticator, 'x', { origin: 'https://evil.example' });
    expect(wrongOrigin.statusCode).toBe(400);
    expect(wrongOrigin.json().error.code).toBe('passkey_not_verified');
    const wrongRp = await registerPasskey(cookie, authenticator, 'x', { rpId: 'evil.example' });
    expect(wrongRp.json().error.code).toBe('passkey_not_verified');
    expect(await t.handle.db.select().from(passkeys)).toHaveLength(0);
  });

  it("cannot finish with another session's challenge", async () => {
    const user = await seedUser(t.handle);
    const first = await signIn(t.app, user.email);
    const second = await signIn(t.app, user.email);
    const authenticator = createSoftwareAuthenticator({ origin: TEST_ORIGIN });
    const options = await post('/api/v1/me/passkeys/options', asBrowser(first));
    const response = authenticator.register(options.json().options);
    const res = await post('/api/v1/me/passkeys', asBrowser(second), { response });
    expect(res.statusCode).toBe(400);
  });

  it('needs a sign-in within the last 10 minutes, which a passkey re-authentication renews', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-05-01T10:00:00Z').getTime();
    vi.setSystemTime(start);
    const { cookie, authenticator, passkeyId } = await userWithPasskey();
    vi.setSystemTime(start + 11 * 60_000);
    const stale = await post('/api/v1/me/passkeys/options', asBrowser(cookie));
    expect(stale.statusCode).toBe(403);
    expect(stale.json().error.code).toBe('reauthentication_required');
    const remove = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${passkeyId}`, headers: asBrowser(cookie) });
    expect(remove.json().error.code).toBe('reauthentication_required');

    const options = await post('/api/v1/me/reauthenticate/passkey/options', asBrowser(cookie));
    expect(options.json().options.allowCredentials).toHaveLength(1);
    const response = authenticator.assert(options.json().options);
    const confirmed = await post('/api/v1/me/reauthenticate/passkey/verify', asBrowser(cookie), { response });
    expect(confirmed.statusCode).toBe(204);
    expect((await post('/api/v1/me/passkeys/options', asBrowser(cookie))).statusCode).toBe(200);
    expect(await auditOf('auth.reauthenticated')).toHaveLength(1);
  });

  it('does not re-authenticate with someone else’s passkey', async () => {
    const alice = await userWithPasskey();
    const bob = await userWithPasskey();
    const options = await post('/api/v1/me/reauthenticate/passkey/options', asBrowser(alice.cookie));
    // Bob's authenticator answers Alice's challenge with Bob's key.
    const response = bob.authenticator.assert({ ...options.json().options, allowCredentials: [] });
    const res = await post('/api/v1/me/reauthenticate/passkey/verify', asBrowser(alice.cookie), { response });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('reauthentication_failed');
  });

  it('is refused to API tokens, which never count as a recent sign-in', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const token = (await post('/api/v1/admin/api-tokens', asBrowser(cookie), { name: 'ci' })).json().token as string;
    const res = await post('/api/v1/me/passkeys/options', { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('reauthentication_required');
  });
});

describe('signing in with a passkey', () => {
  it('signs in without a username, updates the passkey and audits the method', async () => {
    const { user, authenticator, passkeyId } = await userWithPasskey();
    const options = (await post('/api/v1/auth/passkey/options', { origin: TEST_ORIGIN })).json().options;
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe('required');
    const res = await verifySignIn(authenticator.assert(options));
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: user.id, email: user.email });
    const cookie = sessionCookieFrom(res);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().user.id).toBe(user.id);
    const [row] = await t.handle.db.select().from(passkeys).where(eq(passkeys.id, passkeyId));
    expect(row).toMatchObject({ signCount: 1, lastUsedAt: expect.any(Date), signCountRegressedAt: null });
    const [event] = await auditOf('auth.login.succeeded').then((e) => e.filter((x) => x.details.method === 'passkey'));
    expect(event).toMatchObject({ actorId: user.id, targetId: user.id });
  });

  it('spends a challenge once: 20 concurrent verifications of one assertion give exactly one session', async () => {
    const { user, authenticator } = await userWithPasskey();
    const before = await t.handle.db.select().from(sessions).where(eq(sessions.userId, user.id));
    const response = await passkeyAssertion(authenticator);
    const replies = await Promise.all(Array.from({ length: 20 }, () => verifySignIn(response)));
    const codes = replies.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.filter((c) => c === 400)).toHaveLength(19);
    expect(replies.find((r) => r.statusCode === 400)!.json().error.code).toBe('passkey_challenge_invalid');
    const after = await t.handle.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(after.length - before.length).toBe(1);
  });

  it('refuses a challenge older than five minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-05-01T10:00:00Z').getTime();
    vi.setSystemTime(start);
    const { authenticator } = await userWithPasskey();
    const response = await passkeyAssertion(authenticator);
    vi.setSystemTime(start + 5 * 60_000 + 1000);
    const res = await verifySignIn(response);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('passkey_challenge_invalid');
    expect(await t.handle.db.select().from(webauthnChallenges)).toHaveLength(0);
  });

  it('refuses an assertion made for another origin or relying party', async () => {
    const { authenticator } = await userWithPasskey();
    const wrongOrigin = await verifySignIn(await passkeyAssertion(authenticator, { origin: 'https://evil.example' }));
    expect(wrongOrigin.statusCode).toBe(401);
    expect(wrongOrigin.json().error.code).toBe('invalid_credentials');
    const wrongRp = await verifySignIn(await passkeyAssertion(authenticator, { rpId: 'evil.example' }));
    expect(wrongRp.statusCode).toBe(401);
    const unverified = await verifySignIn(await passkeyAssertion(authenticator, { userVerified: false }));
    expect(unverified.statusCode).toBe(401);
    const failures = await auditOf('auth.login.failed');
    expect(failures.map((e) => e.details.reason)).toEqual(['passkey_not_verified', 'passkey_not_verified', 'passkey_not_verified']);
  });

  it('refuses an assertion that names another account as its user', async () => {
    const { authenticator } = await userWithPasskey();
    const other = await seedUser(t.handle);
    const response = await passkeyAssertion(authenticator);
    // The user handle is outside the signed data, so only the server's own check catches a swapped one.
    const swapped = { ...response, response: { ...response.response, userHandle: userHandleOf(other.id) } };
    expect((await verifySignIn(swapped)).statusCode).toBe(401);
  });

  it('answers an unknown passkey with 401 and a disabled account with 403', async () => {
    const stranger = createSoftwareAuthenticator({ origin: TEST_ORIGIN });
    stranger.register({
      challenge: 'x',
      rp: { id: 'localhost', name: 'Foyer' },
      user: { id: 'AAAA', name: 'n', displayName: 'n' },
      pubKeyCredParams: [],
    });
    const unknown = await verifySignIn(await passkeyAssertion(stranger));
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('invalid_credentials');

    const { user, authenticator } = await userWithPasskey();
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, user.id));
    const disabled = await verifySignIn(await passkeyAssertion(authenticator));
    expect(disabled.statusCode).toBe(403);
    expect(disabled.json().error.code).toBe('account_disabled');
    expect(disabled.cookies).toHaveLength(0);
  });

  it('flags a passkey whose use count goes backwards, audits it and refuses it from then on', async () => {
    const { user, authenticator, passkeyId } = await userWithPasskey();
    expect((await verifySignIn(await passkeyAssertion(authenticator))).statusCode).toBe(200);
    expect((await verifySignIn(await passkeyAssertion(authenticator))).statusCode).toBe(200);
    const cloned = await verifySignIn(await passkeyAssertion(authenticator, { signCount: 1 }));
    expect(cloned.statusCode).toBe(403);
    expect(cloned.json().error.code).toBe('passkey_flagged');
    const [row] = await t.handle.db.select().from(passkeys).where(eq(passkeys.id, passkeyId));
    expect(row!.signCountRegressedAt).toBeInstanceOf(Date);
    expect(row!.signCount).toBe(2);
    const [event] = await auditOf('passkey.sign_count_regressed');
    expect(event).toMatchObject({ targetId: user.id, details: { passkeyId, storedCount: 2, reportedCount: 1 } });
    // Even the genuine key moving forward again is refused until the person replaces it.
    const later = await verifySignIn(await passkeyAssertion(authenticator, { signCount: 10 }));
    expect(later.json().error.code).toBe('passkey_flagged');
  });

  it('accepts authenticators that never count (always zero)', async () => {
    const { authenticator } = await userWithPasskey();
    for (let i = 0; i < 2; i++) {
      expect((await verifySignIn(await passkeyAssertion(authenticator, { signCount: 0 }))).statusCode).toBe(200);
    }
  });
});

describe('renaming and removing passkeys', () => {
  it('renames only your own passkeys', async () => {
    const alice = await userWithPasskey();
    const bob = await userWithPasskey();
    const rename = (cookie: string, id: string) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/me/passkeys/${id}`, headers: asBrowser(cookie), payload: { name: 'Phone' } });
    const ok = await rename(alice.cookie, alice.passkeyId);
    expect(ok.json().passkey.name).toBe('Phone');
    expect((await rename(alice.cookie, bob.passkeyId)).statusCode).toBe(404);
    expect((await rename(alice.cookie, 'not-an-id')).statusCode).toBe(404);
    const blank = await t.app.inject({ method: 'PATCH', url: `/api/v1/me/passkeys/${alice.passkeyId}`, headers: asBrowser(alice.cookie), payload: { name: ' ' } });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { name: 'Give the passkey a name.' } } });
    const [event] = await auditOf('passkey.renamed');
    expect(event!.details).toMatchObject({ name: { from: 'Laptop', to: 'Phone' } });
  });

  it('never removes the last way in of an account without a password', async () => {
    const { user, cookie, authenticator, passkeyId } = await userWithPasskey();
    const second = (await registerPasskey(cookie, authenticator, 'Phone')).json().passkey.id as string;
    await t.handle.db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id));
    const remove = (id: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${id}`, headers: asBrowser(cookie) });
    expect((await remove(passkeyId)).statusCode).toBe(204);
    const last = await remove(second);
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_credential');
    expect(await auditOf('passkey.removed')).toHaveLength(1);
  });

  it('lets exactly one of two concurrent removals of the last two passkeys through', async () => {
    const { user, cookie, authenticator, passkeyId } = await userWithPasskey();
    const second = (await registerPasskey(cookie, authenticator, 'Phone')).json().passkey.id as string;
    await t.handle.db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id));
    const replies = await Promise.all(
      [passkeyId, second].map((id) => t.app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${id}`, headers: asBrowser(cookie) })),
    );
    expect(replies.map((r) => r.statusCode).sort()).toEqual([204, 409]);
    expect(await t.handle.db.select().from(passkeys).where(eq(passkeys.userId, user.id))).toHaveLength(1);
  });

  it('removes the only passkey of an account that still has a password, and not someone else’s', async () => {
    const alice = await userWithPasskey();
    const bob = await userWithPasskey();
    const remove = (id: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${id}`, headers: asBrowser(alice.cookie) });
    expect((await remove(bob.passkeyId)).statusCode).toBe(404);
    expect((await remove(alice.passkeyId)).statusCode).toBe(204);
    const rows = await t.handle.db.select().from(passkeys).where(and(eq(passkeys.userId, alice.user.id)));
    expect(rows).toHaveLength(0);
    expect((await verifySignIn(await passkeyAssertion(alice.authenticator))).statusCode).toBe(401);
  });
});

describe('the admin user detail', () => {
  it('shows how many passkeys the user has', async () => {
    const { user, cookie, authenticator } = await userWithPasskey();
    await registerPasskey(cookie, authenticator, 'Phone');
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const detail = await t.app.inject({ url: `/api/v1/admin/users/${user.id}`, headers: { cookie: await signIn(t.app, admin.email) } });
    expect(detail.json().user.passkeyCount).toBe(2);
  });
});

describe('sign-in options', () => {
  it('tells the sign-in page that passkeys are available, without a session', async () => {
    const res = await t.app.inject({ url: '/api/v1/auth/sign-in-options' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ passkeys: true });
  });

  it('describes every passkey and session endpoint in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const path of [
      '/api/v1/auth/passkey/options',
      '/api/v1/auth/passkey/verify',
      '/api/v1/me/passkeys',
      '/api/v1/me/passkeys/options',
      '/api/v1/me/passkeys/{id}',
      '/api/v1/me/reauthenticate/passkey/verify',
      '/api/v1/me/sessions',
      '/api/v1/me/sessions/{id}',
      '/api/v1/admin/users/{id}/sessions',
      '/api/v1/auth/sign-in-options',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.components.schemas).toHaveProperty(['Passkey']);
    expect(doc.components.schemas).toHaveProperty(['PasskeyAssertion']);
  });
});
