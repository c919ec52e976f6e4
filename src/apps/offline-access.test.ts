import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRow } from '../accounts/index.js';
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
// What most apps send: offline_access in the scope, and no prompt at all.
const offline = { prompt: '', scope: 'openid email offline_access' };

/** Answers Foyer's consent page for the sign-in that stopped there, and follows the browser back to the app. */
async function allow(landed: URL) {
  expect(landed.pathname).toMatch(/^\/authorize\/[\w-]+$/);
  const uid = landed.pathname.split('/').pop()!;
  const { redirectTo } = (await (await browser.api('POST', `/oidc/interaction/${uid}/consent`, { allow: true })).json()) as { redirectTo: string };
  return (await browser.follow(redirectTo, TEST_REDIRECT)).url;
}

describe('offline_access without prompt=consent', () => {
  it('gives a refresh token that keeps working when the app needs no consent', async () => {
    const { app, clientSecret } = await registerApp(admin, everyone);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const tokens = await signInToApp(rp, browser, offline);
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(await oidc.fetchUserInfo(rp, refreshed.access_token, person.id)).toMatchObject({ sub: person.id, email: person.email });
  });

  it('gives no refresh token to an app that did not ask for offline_access', async () => {
    const { app, clientSecret } = await registerApp(admin, everyone);
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const tokens = await signInToApp(rp, browser, { prompt: '', scope: 'openid email' });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('asks consent for offline access once, then signs in with a refresh token without asking', async () => {
    const { app, clientSecret } = await registerApp(admin, { ...everyone, requireConsent: true });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);

    // Consent given without offline access does not cover it: the person is asked, with it in the list.
    const plain = await authorize(rp, browser, { prompt: '', scope: 'openid email' });
    await allow(plain.landed);
    const asked = await authorize(rp, browser, offline);
    const uid = asked.landed.pathname.split('/').pop()!;
    const details = (await (await browser.api('GET', `/oidc/interaction/${uid}/details`)).json()) as { scopes: { scope: string; description: string }[] };
    expect(details.scopes).toContainEqual({ scope: 'offline_access', description: 'Stay signed in when you are not using it' });
    const back = await allow(asked.landed);
    const first = await oidc.authorizationCodeGrant(rp, back, { pkceCodeVerifier: asked.verifier, expectedState: asked.state, expectedNonce: asked.nonce });
    expect(first.refresh_token).toBeTruthy();

    const again = await signInToApp(rp, browser, offline);
    expect(again.refresh_token).toBeTruthy();
  });
});
