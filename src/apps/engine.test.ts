import { and, eq } from 'drizzle-orm';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { sessions } from '../auth/sessions/schema.js';
import type { UserRow } from '../accounts/index.js';
import { rotateKeysCommand } from './background.js';
import { authorize, registerApp, relyingParty, signInToApp, startAppWorld, TEST_REDIRECT, TestBrowser, type ListeningApp } from './testing.js';

let t: ListeningApp;
let admin: TestBrowser;
let person: UserRow;
let browser: TestBrowser;

beforeEach(async () => {
  ({ t, admin, person, browser } = await startAppWorld());
});
afterEach(() => t.close());

const everyone = { access: { everyone: true, groupIds: [] } };

describe('Foyer’s own sign-in and consent steps', () => {
  it('sends someone without a Foyer session to the sign-in page and continues after it', async () => {
    const { app, clientSecret } = await registerApp(admin, everyone);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const stranger = new TestBrowser(t.issuer);
    const { landed, verifier, state, nonce } = await authorize(rp, stranger);
    expect(landed.pathname).toBe('/login');
    const next = landed.searchParams.get('next')!;
    expect(next).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    await stranger.signIn(person.email);
    const back = await stranger.follow(next, TEST_REDIRECT);
    const tokens = await oidc.authorizationCodeGrant(rp, back.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()!.sub).toBe(person.id);
  });

  it('asks for consent in plain words, remembers it, and asks again only when the app wants more', async () => {
    const { app, clientSecret } = await registerApp(admin, { ...everyone, requireConsent: true, logoUrl: 'https://wiki.example.com/logo.png' });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const first = await authorize(rp, browser, { prompt: '', scope: 'openid email' });
    expect(first.landed.pathname).toMatch(/^\/authorize\/[\w-]+$/);
    const uid = first.landed.pathname.split('/').pop()!;
    const details = await browser.api('GET', `/oidc/interaction/${uid}/details`);
    expect(await details.json()).toEqual({
      app: { name: 'Wiki', logoUrl: 'https://wiki.example.com/logo.png' },
      scopes: [
        { scope: 'openid', description: 'That it is you (an identifier that never changes)' },
        { scope: 'email', description: 'Your email address' },
      ],
    });
    const consent = await browser.api('POST', `/oidc/interaction/${uid}/consent`, { allow: true });
    const { redirectTo } = (await consent.json()) as { redirectTo: string };
    const back = await browser.follow(redirectTo, TEST_REDIRECT);
    expect(back.url.searchParams.has('code')).toBe(true);

    const remembered = await authorize(rp, browser, { prompt: '', scope: 'openid email' });
    expect(remembered.landed.href.startsWith(TEST_REDIRECT)).toBe(true);
    const more = await authorize(rp, browser, { prompt: '', scope: 'openid email groups' });
    expect(more.landed.pathname).toMatch(/^\/authorize\//);
    const given = await t.handle.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'app.consent_given'), eq(auditEvents.targetId, app.id)));
    expect(given).toHaveLength(1);
  });

  it('sends the app access_denied when the person declines', async () => {
    const { app, clientSecret } = await registerApp(admin, { ...everyone, requireConsent: true });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const { landed } = await authorize(rp, browser, { prompt: '' });
    const uid = landed.pathname.split('/').pop()!;
    const { redirectTo } = (await (await browser.api('POST', `/oidc/interaction/${uid}/consent`, { allow: false })).json()) as { redirectTo: string };
    const back = await browser.follow(redirectTo, TEST_REDIRECT);
    expect(back.url.searchParams.get('error')).toBe('access_denied');
  });

  it('prompt=login and max_age ask for a fresh sign-in even with a Foyer session', async () => {
    const { app, clientSecret } = await registerApp(admin, everyone);
    await t.handle.db.update(sessions).set({ authenticatedAt: new Date(Date.now() - 60 * 60 * 1000) }).where(eq(sessions.userId, person.id));
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const requests: Record<string, string>[] = [{ prompt: 'login' }, { prompt: '', max_age: '600' }];
    for (const extra of requests) {
      const { landed } = await authorize(rp, browser, extra);
      expect(landed.pathname).toBe('/login');
      expect(landed.searchParams.get('fresh')).toBe('1');
    }
  });

  it('signs a public app in with PKCE and no secret, and refuses one without PKCE', async () => {
    const { app } = await registerApp(admin, { ...everyone, type: 'public' });
    const rp = await relyingParty(t.issuer, app.clientId);
    const tokens = await signInToApp(rp, browser);
    expect(tokens.claims()!.sub).toBe(person.id);
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: TEST_REDIRECT, scope: 'openid', state: 's' });
    const { url: landed } = await browser.follow(url, TEST_REDIRECT);
    expect(landed.searchParams.get('error')).toBe('invalid_request');
  });

  it('signs ID tokens with RS256 for an app set to it', async () => {
    const { app, clientSecret } = await registerApp(admin, { ...everyone, signingAlgorithm: 'RS256' });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const tokens = await signInToApp(rp, browser);
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');
  });

  it('gives an app set to JWT access tokens short-lived signed ones', async () => {
    const { app, clientSecret } = await registerApp(admin, { ...everyone, accessTokenFormat: 'jwt' });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const tokens = await signInToApp(rp, browser);
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${t.issuer}/oidc/jwks`)), { issuer: t.issuer, audience: app.clientId });
    expect(payload.sub).toBe(person.id);
    expect(payload.exp! - payload.iat!).toBe(600);
  });
});

describe('bad requests get the error the specs name, never a 5xx or a redirect to an unregistered address', () => {
  it('an unknown client', async () => {
    const response = await browser.send(`/oidc/auth?client_id=nope&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(TEST_REDIRECT)}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('not registered with Foyer');
  });

  it('an unregistered redirect URI', async () => {
    const { app, clientSecret } = await registerApp(admin, everyone);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: 'https://evil.example.com/cb', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    const response = await browser.send(url);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('a wrong PKCE verifier, then a replayed code, which also ends what the code gave', async () => {
    const { app, clientSecret } = await registerApp(admin, everyone);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const first = await authorize(rp, browser);
    await expect(
      oidc.authorizationCodeGrant(rp, first.landed, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: first.state, expectedNonce: first.nonce }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });

    const second = await authorize(rp, browser);
    const checks = { pkceCodeVerifier: second.verifier, expectedState: second.state, expectedNonce: second.nonce };
    const tokens = await oidc.authorizationCodeGrant(rp, second.landed, checks);
    await expect(oidc.authorizationCodeGrant(rp, second.landed, checks)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
  });

  it('a wrong client secret, and malformed token requests', async () => {
    const { app } = await registerApp(admin, everyone);
    const wrong = await relyingParty(t.issuer, app.clientId, 'not-the-secret');
    await expect(oidc.tokenIntrospection(wrong, 'anything')).rejects.toMatchObject({ status: 401 });
    for (const body of ['grant_type=nonsense', 'grant_type=authorization_code&code=x', '%%%']) {
      const response = await fetch(`${t.issuer}/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
  });
});

describe('signing keys', () => {
  it('rotate: new tokens use the new key, tokens signed with the old one still verify from the JWKS', async () => {
    const { app, clientSecret } = await registerApp(admin, everyone);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const before = await signInToApp(rp, browser);
    const oldKid = decodeProtectedHeader(before.id_token!).kid;
    await rotateKeysCommand(t.handle.db, t.config);
    // An app fetches the JWKS again when it meets a key it does not know yet.
    const after = await signInToApp(await relyingParty(t.issuer, app.clientId, clientSecret), browser);
    const newKid = decodeProtectedHeader(after.id_token!).kid;
    expect(newKid).not.toBe(oldKid);
    const jwks = createRemoteJWKSet(new URL(`${t.issuer}/oidc/jwks`));
    await jwtVerify(before.id_token!, jwks, { issuer: t.issuer, audience: app.clientId, currentDate: new Date(decodeJwt(before.id_token!).iat! * 1000) });
    await jwtVerify(after.id_token!, jwks, { issuer: t.issuer, audience: app.clientId });
    const published = ((await (await fetch(`${t.issuer}/oidc/jwks`)).json()) as { keys: { kid: string; d?: string }[] }).keys;
    expect(published.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(published.every((k) => k.d === undefined)).toBe(true);
  });
});

describe('the person’s own apps', () => {
  it('lists when they last signed in and whether they consented, newest-used first', async () => {
    const { app, clientSecret } = await registerApp(admin, { ...everyone, name: 'Chat', requireConsent: true });
    await registerApp(admin, { ...everyone, name: 'Another' });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const { landed } = await authorize(rp, browser, { prompt: '' });
    const uid = landed.pathname.split('/').pop()!;
    const { redirectTo } = (await (await browser.api('POST', `/oidc/interaction/${uid}/consent`, { allow: true })).json()) as { redirectTo: string };
    await browser.follow(redirectTo, TEST_REDIRECT);
    const items = ((await (await browser.api('GET', '/api/v1/me/apps')).json()) as { items: { name: string; consentedAt: string | null }[] }).items;
    expect(items.map((i) => [i.name, i.consentedAt !== null])).toEqual([
      ['Chat', true],
      ['Another', false],
    ]);
  });
});
