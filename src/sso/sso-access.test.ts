import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { sessions } from '../auth/sessions/schema.js';
import { asBrowser, seedUser, signIn } from '../../test/support.js';
import { callbackUrl } from './flow.js';
import { ssoFlows, ssoProviders } from './schema.js';
import { startTestProvider } from './test-provider.js';
import {
  adminCookie,
  flowCookieOf,
  identitiesOf,
  idp,
  linkViaAccount,
  locationOf,
  providerId,
  roundTrip,
  sessionOf,
  t,
  useSsoTestbed,
} from './testbed.js';

useSsoTestbed();

describe('The SSO round trip', () => {
  beforeEach(async () => {
    await seedUser(t.handle, { email: 'alice@example.com' }).then((alice) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${alice.id}/auth-method`,
        headers: asBrowser(adminCookie),
        payload: { method: 'sso' },
      }),
    );
  });

  it('refuses a tampered state, a tampered nonce and a replayed callback', async () => {
    const tamperedState = await roundTrip('alice', { tamper: (url) => url.searchParams.set('state', 'forged') });
    expect(locationOf(tamperedState).searchParams.get('sso_error')).toBe('sso_response_rejected');
    expect(sessionOf(tamperedState)).toBeUndefined();

    const start = await t.app.inject({ url: `/api/v1/auth/sso/${providerId}/start` });
    await t.handle.db.update(ssoFlows).set({ nonce: 'a-nonce-from-another-attempt' });
    const back = await idp.signInAt(String(start.headers.location), 'alice');
    const tamperedNonce = await t.app.inject({ url: `${back.pathname}${back.search}`, headers: { cookie: flowCookieOf(start) } });
    expect(locationOf(tamperedNonce).searchParams.get('sso_error')).toBe('sso_response_rejected');
    expect(sessionOf(tamperedNonce)).toBeUndefined();

    const start2 = await t.app.inject({ url: `/api/v1/auth/sso/${providerId}/start` });
    const back2 = await idp.signInAt(String(start2.headers.location), 'alice');
    const callback = `${back2.pathname}${back2.search}`;
    const first = await t.app.inject({ url: callback, headers: { cookie: flowCookieOf(start2) } });
    expect(sessionOf(first)).toBeDefined();
    const replay = await t.app.inject({ url: callback, headers: { cookie: flowCookieOf(start2) } });
    expect(locationOf(replay).searchParams.get('sso_error')).toBe('sso_flow_expired');

    const withoutCookie = await t.app.inject({ url: callback });
    expect(locationOf(withoutCookie).searchParams.get('sso_error')).toBe('sso_flow_expired');
  });

  it('refuses an ID token whose signature does not match, though it came straight from the token endpoint', async () => {
    idp.forgeIdTokenSignatures = true;
    try {
      const forged = await roundTrip('alice');
      expect(locationOf(forged).searchParams.get('sso_error')).toBe('sso_response_rejected');
      expect(sessionOf(forged)).toBeUndefined();
    } finally {
      idp.forgeIdTokenSignatures = false;
    }
    expect(sessionOf(await roundTrip('alice'))).toBeDefined();
  });

  it('answers a malformed start or callback query with the redirect the browser flow expects, never raw JSON', async () => {
    const badIntent = await t.app.inject({ url: `/api/v1/auth/sso/${providerId}/start?intent=evil` });
    expect(badIntent.statusCode).toBe(302);
    expect(locationOf(badIntent).pathname).toBe('/login');
    expect(locationOf(badIntent).searchParams.get('sso_error')).toBe('invalid_request');
    expect(badIntent.cookies.find((c) => c.name === 'foyer_sso_flow' && c.value)).toBeUndefined();

    const start = await t.app.inject({ url: `/api/v1/auth/sso/${providerId}/start?intent=verify` });
    const doubled = await t.app.inject({ url: '/api/v1/auth/sso/callback?code=a&code=b&state=s', headers: { cookie: flowCookieOf(start) } });
    expect(doubled.statusCode).toBe(302);
    expect(locationOf(doubled).pathname).toBe('/signup');
    expect(locationOf(doubled).searchParams.get('sso_error')).toBe('invalid_request');
    // The attempt is spent: the same flow cannot be finished afterwards.
    expect(await t.handle.db.select().from(ssoFlows)).toEqual([]);
    const noFlow = await t.app.inject({ url: '/api/v1/auth/sso/callback?state=a&state=b' });
    expect(locationOf(noFlow).searchParams.get('sso_error')).toBe('sso_flow_expired');
  });

  it('the callback documents only the parameters a provider sends', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const names = doc.paths['/api/v1/auth/sso/callback'].get.parameters.map((p: { name: string }) => p.name).sort();
    expect(names).toEqual(['code', 'error', 'error_description', 'error_uri', 'iss', 'state']);
  });

  it('sends the browser back with a clear error when the provider is down', async () => {
    const [row] = await t.handle.db.select().from(ssoProviders);
    const down = await startTestProvider({ redirectUri: callbackUrl(t.config), accounts: [] });
    await t.handle.db.update(ssoProviders).set({ issuer: down.issuer }).where(eq(ssoProviders.id, row!.id));
    const begun = await t.app.inject({ url: `/api/v1/auth/sso/${providerId}/start` });
    expect(begun.statusCode).toBe(302);
    await down.stop();
    const callback = await t.app.inject({ url: '/api/v1/auth/sso/callback?code=x&state=y', headers: { cookie: flowCookieOf(begun) } });
    expect(locationOf(callback).pathname).toBe('/login');
    expect(locationOf(callback).searchParams.get('sso_error')).toBe('sso_provider_unreachable');

    const start = await t.app.inject({ url: `/api/v1/auth/sso/${providerId}/start` });
    expect(locationOf(start).pathname).toBe('/login');
    expect(locationOf(start).searchParams.get('sso_error')).toBe('sso_provider_unreachable');
  });
});

describe('Linked providers of a user (admin)', () => {
  it('are listed without provider-side details, and removed only by holders of users.update', async () => {
    const alice = await seedUser(t.handle, { email: 'alice.local@example.com' });
    await linkViaAccount(await signIn(t.app, alice.email), 'alice');

    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const viewerCookie = await signIn(t.app, viewer.email);
    const seen = await t.app.inject({ url: `/api/v1/admin/users/${alice.id}/sso`, headers: { cookie: viewerCookie } });
    expect(seen.json()).toMatchObject({ method: 'sso', items: [{ providerId, name: 'Corp ID', enabled: true }] });
    expect(seen.body).not.toContain('alice-sub');
    expect(seen.body).not.toContain('alice@example.com');

    const url = `/api/v1/admin/users/${alice.id}/sso/${providerId}`;
    expect((await t.app.inject({ method: 'DELETE', url, headers: asBrowser(viewerCookie) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url, headers: asBrowser(adminCookie) })).statusCode).toBe(204);
    expect(await identitiesOf(alice.id)).toEqual([]);
    expect((await t.app.inject({ method: 'DELETE', url, headers: asBrowser(adminCookie) })).statusCode).toBe(404);
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'sso.identity_unlinked'));
    expect(event).toMatchObject({ targetId: alice.id, details: { providerId, by: 'admin' } });
  });

  it('removed by an administrator, take SSO access away: the switch to SSO and the sessions signed in through it end', async () => {
    const alice = await seedUser(t.handle, { email: 'alice@example.com' });
    await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/users/${alice.id}/auth-method`, headers: asBrowser(adminCookie), payload: { method: 'sso' } });
    const signedIn = sessionOf(await roundTrip('alice'))!;
    const ssoSession = `${signedIn.name}=${signedIn.value}`;
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: ssoSession } })).statusCode).toBe(200);

    const url = `/api/v1/admin/users/${alice.id}/sso/${providerId}`;
    expect((await t.app.inject({ method: 'DELETE', url, headers: asBrowser(adminCookie) })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: ssoSession } })).statusCode).toBe(401);
    const again = await roundTrip('alice');
    expect(locationOf(again).searchParams.get('sso_error')).toBe('local_account_exists');
    expect(sessionOf(again)).toBeUndefined();
    expect(await identitiesOf(alice.id)).toEqual([]);
  });

  it('switching back to Local ends the sessions signed in through SSO, and keeps the others', async () => {
    const alice = await seedUser(t.handle, { email: 'alice.local@example.com' });
    const passwordSession = await signIn(t.app, alice.email);
    await linkViaAccount(passwordSession, 'alice');
    const signedIn = sessionOf(await roundTrip('alice'))!;
    const ssoSession = `${signedIn.name}=${signedIn.value}`;
    const back = await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/users/${alice.id}/auth-method`, headers: asBrowser(adminCookie), payload: { method: 'local' } });
    expect(back.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: ssoSession } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: passwordSession } })).statusCode).toBe(200);
  });

  it('are released when the account is revoked, so the person can join again', async () => {
    const alice = await seedUser(t.handle, { email: 'alice.local@example.com' });
    await linkViaAccount(await signIn(t.app, alice.email), 'alice');
    const revoked = await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${alice.id}/revoke`, headers: asBrowser(adminCookie) });
    expect(revoked.statusCode).toBe(200);
    expect(await identitiesOf(alice.id)).toEqual([]);
    expect(locationOf(await roundTrip('alice')).searchParams.get('sso_error')).toBe('sso_account_not_found');
  });

  it('linking from My account needs a recent sign-in', async () => {
    const alice = await seedUser(t.handle);
    const aliceCookie = await signIn(t.app, alice.email);
    await t.handle.db.update(sessions).set({ authenticatedAt: new Date(Date.now() - 11 * 60_000) }).where(eq(sessions.userId, alice.id));
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/me/sso/${providerId}/link`, headers: asBrowser(aliceCookie) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('reauthentication_required');
  });
});
