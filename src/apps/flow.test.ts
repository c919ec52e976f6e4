import { and, eq } from 'drizzle-orm';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { seedUser } from '../../test/support.js';
import { secretBox } from '../platform/secrets.js';
import type { UserRow } from '../accounts/index.js';
import { createLogoutWorker } from './provider/logout-delivery.js';
import {
  authorize,
  registerApp as register,
  relyingParty,
  signInToApp as signIn,
  startAppWorld,
  startLogoutReceiver,
  TEST_REDIRECT,
  TestBrowser,
  type ListeningApp,
} from './testing.js';

let t: ListeningApp;
let admin: TestBrowser;
let person: UserRow;
let browser: TestBrowser;
let groupId: string;

beforeEach(async () => {
  ({ t, admin, person, browser, groupId } = await startAppWorld({ person: { name: 'Grace Hopper', username: 'grace' }, group: 'Engineering' }));
});
afterEach(() => t.close());

const registerApp = (overrides: Record<string, unknown> = {}) => register(admin, { access: { everyone: false, groupIds: [groupId] }, ...overrides });
const signInToApp = (rp: oidc.Configuration, who = browser, extra: Record<string, string> = {}) => signIn(rp, who, extra);

describe('Foyer as an OpenID Provider', () => {
  it('publishes discovery at the issuer: code flow only, S256, and every endpoint an app needs', async () => {
    const response = await fetch(`${t.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = await response.json();
    expect(metadata).toMatchObject({
      issuer: t.issuer,
      authorization_endpoint: `${t.issuer}/oidc/auth`,
      token_endpoint: `${t.issuer}/oidc/token`,
      userinfo_endpoint: `${t.issuer}/oidc/me`,
      jwks_uri: `${t.issuer}/oidc/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      backchannel_logout_supported: true,
    });
    expect([...metadata.id_token_signing_alg_values_supported].sort()).toEqual(['ES256', 'RS256']);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'groups', 'offline_access']));
    expect(metadata.grant_types_supported).not.toContain('implicit');
  });

  it('signs a member in with code and PKCE: a signed ID token, userinfo, refresh rotation, introspection, revocation', async () => {
    const { app, clientSecret } = await registerApp();
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const tokens = await signInToApp(rp);

    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: t.issuer, aud: app.clientId, sub: person.id, email: person.email, name: 'Grace Hopper' });
    const jwks = createRemoteJWKSet(new URL(`${t.issuer}/oidc/jwks`));
    await jwtVerify(tokens.id_token!, jwks, { issuer: t.issuer, audience: app.clientId });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('ES256');

    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, person.id);
    expect(userinfo).toMatchObject({ sub: person.id, name: 'Grace Hopper', preferred_username: 'grace', email: person.email, email_verified: false, groups: ['Engineering'] });

    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(await oidc.tokenIntrospection(rp, refreshed.access_token)).toMatchObject({ active: true, sub: person.id, client_id: app.clientId });
    // A refresh token used twice was stolen: the grant behind it ends, as OAuth 2.0 Security BCP §4.14 asks.
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await oidc.tokenIntrospection(rp, refreshed.access_token)).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(rp, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

    const again = await signInToApp(rp);
    await oidc.tokenRevocation(rp, again.access_token);
    expect(await oidc.tokenIntrospection(rp, again.access_token)).toEqual({ active: false });

    const signIns = await t.handle.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'app.sign_in'), eq(auditEvents.targetId, app.id)));
    expect(signIns).toHaveLength(2);
  });

  it('refuses a person the app does not allow: no code, error=access_denied back at the app', async () => {
    const { app, clientSecret } = await registerApp();
    const outsider = await seedUser(t.handle, { roles: ['member'] });
    const other = new TestBrowser(t.issuer);
    await other.signIn(outsider.email);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const { landed } = await authorize(rp, other);
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.has('code')).toBe(false);
    expect(landed.searchParams.get('error_description')).toBe('You do not have access to this app. An administrator can add you to one of the groups that opens it.');
    const denied = await t.handle.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'app.access_denied'), eq(auditEvents.targetId, app.id)));
    expect(denied).toHaveLength(1);
  });

  it('answers a finished sign-in step opened again in the browser with a page that says what to do', async () => {
    const { app, clientSecret } = await registerApp();
    const outsider = await seedUser(t.handle, { roles: ['member'] });
    const other = new TestBrowser(t.issuer);
    await other.signIn(outsider.email);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const start = await other.send(oidc.buildAuthorizationUrl(rp, { redirect_uri: TEST_REDIRECT, scope: 'openid', state: 'x' }));
    const step = start.headers.get('location')!;
    expect(step).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    expect((await other.follow(step, TEST_REDIRECT)).url.searchParams.get('error')).toBe('access_denied');

    const again = await other.send(step);
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await again.text();
    expect(html).toContain('This sign-in to an app has ended');
    expect(html).toContain('An administrator can add you to one of the groups that opens it.');
  });
});

/** Presses a button of the engine's sign-out page: `logout: 'yes'` is "Yes, sign me out", none is "Only sign out of …". */
async function confirmSignOut(html: string, fields: { logout?: string }) {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
  return browser.send(new URL(action, t.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: t.issuer },
    body: new URLSearchParams({ xsrf, ...fields }).toString(),
  });
}

describe('signing out from an app', () => {
  it('RP-initiated logout confirms, ends the engine session, returns to a registered address and tells the app', async () => {
    const receiver = await startLogoutReceiver();
    try {
      const { app, clientSecret } = await registerApp({ postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'], backchannelLogoutUri: receiver.uri });
      const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
      const tokens = await signInToApp(rp);
      const end = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out' });
      const page = await browser.send(end);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Sign out of Wiki?');
      const confirmed = await confirmSignOut(html, { logout: 'yes' });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.get('location')).toBe('http://127.0.0.1:9/signed-out');
      // Signed out of Foyer too: the console session is over and the next app sign-in asks to sign in again.
      expect((await browser.api('GET', '/api/v1/me')).status).toBe(401);
      expect((await authorize(rp, browser)).landed.pathname).toBe('/login');
      const logouts = await t.handle.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'auth.logout'), eq(auditEvents.targetId, person.id)));
      expect(logouts.map((e) => e.details)).toEqual([{ via: 'app_sign_out', clientId: app.clientId }]);
      const worker = createLogoutWorker({ db: t.handle.db, issuer: t.issuer, box: secretBox(t.config), log: { warn: () => {}, error: () => {} } });
      expect(await worker.deliverDue()).toMatchObject({ sent: 1 });
      expect(decodeJwt(receiver.received[0]!)).toMatchObject({ sub: person.id, aud: app.clientId });
    } finally {
      await receiver.stop();
    }
  });

  it('"Only sign out of this app" ends the app sign-in and keeps the Foyer session', async () => {
    const { app, clientSecret } = await registerApp({ postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'] });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    // Without offline_access: tokens for offline access outlast sign-out by design.
    const tokens = await signInToApp(rp, browser, { prompt: '', scope: 'openid email' });
    const end = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out' });
    const html = await (await browser.send(end)).text();
    expect(html).toContain('Only sign out of Wiki');
    expect((await confirmSignOut(html, {})).status).toBe(303);
    expect((await browser.api('GET', '/api/v1/me')).status).toBe(200);
    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
  });

  it('without a post-logout address, Foyer says which app the person is signed out of', async () => {
    const { app, clientSecret } = await registerApp();
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const tokens = await signInToApp(rp, browser, { prompt: '', scope: 'openid email' });
    const html = await (await browser.send(oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token! }))).text();
    const done = await browser.follow(new URL((await confirmSignOut(html, {})).headers.get('location')!, t.issuer), TEST_REDIRECT);
    expect(done.response?.status).toBe(200);
    expect(await done.response!.text()).toContain('<h1>You are signed out of Wiki</h1>');
  });

  it('refuses a post-logout address the app did not register, without going there', async () => {
    const { app, clientSecret } = await registerApp();
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const tokens = await signInToApp(rp);
    const end = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example.com/' });
    const response = await browser.send(end);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});

describe('the OpenAPI document', () => {
  it('describes the apps endpoints', async () => {
    const document = await (await fetch(`${t.issuer}/api/v1/openapi.json`)).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/admin/apps',
        '/api/v1/admin/apps/{id}',
        '/api/v1/admin/apps/{id}/secret',
        '/api/v1/admin/apps/{id}/preview',
        '/api/v1/admin/users/{id}/apps',
        '/api/v1/me/apps',
        '/api/v1/me/apps/{id}/authorization',
      ]),
    );
  });
});
