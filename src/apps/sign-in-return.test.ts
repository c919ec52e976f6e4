import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedUser } from '../../test/support.js';
import type { UserRow } from '../accounts/index.js';
import { totpCodeAt } from '../auth/mfa/totp.js';
import { authorize, registerApp, relyingParty, startListeningApp, TEST_REDIRECT, TestBrowser, type ListeningApp } from './testing.js';

let t: ListeningApp;
let admin: TestBrowser;
let person: UserRow;

beforeEach(async () => {
  t = await startListeningApp();
  const adminUser = await seedUser(t.handle, { roles: ['admin'] });
  admin = new TestBrowser(t.issuer);
  await admin.signIn(adminUser.email);
  person = await seedUser(t.handle, { roles: ['member'] });
});
afterEach(() => t.close());

/** A login link for `person`, as an administrator copies it to send it themselves. */
async function loginLinkToken(): Promise<string> {
  const issued = (await (await admin.api('POST', `/api/v1/admin/users/${person.id}/login-link`, { send: false })).json()) as { url: string };
  return new URL(issued.url).searchParams.get('token')!;
}

const useLoginLink = async (browser: TestBrowser, token: string) => {
  const response = await browser.api('POST', '/api/v1/auth/login-link', { token });
  expect(response.status).toBe(200);
  return (await response.json()) as { user?: { id: string }; mfaRequired?: true; next: string | null };
};

/** Sets up an authenticator app for `person` from their own session; answers its secret. */
async function enrolTotp(): Promise<string> {
  const own = new TestBrowser(t.issuer);
  await own.signIn(person.email);
  const { secret } = (await (await own.api('POST', '/api/v1/me/mfa/totp')).json()) as { secret: string };
  const confirmed = await own.api('POST', '/api/v1/me/mfa/totp/confirm', { code: totpCodeAt(secret, new Date()) });
  expect(confirmed.status).toBe(200);
  return secret;
}

describe('a login link used after an app sent the person to sign in', () => {
  it("answers the app's sign-in to go back to, which then hands the app its code", async () => {
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const browser = new TestBrowser(t.issuer);
    const { landed, verifier, state, nonce } = await authorize(rp, browser);
    expect(landed.pathname).toBe('/login');
    const appSignIn = landed.searchParams.get('next')!;

    // The link is opened later, from the mail: another tab of the same browser, which only shares its cookies.
    const signedIn = await useLoginLink(browser, await loginLinkToken());
    expect(signedIn).toMatchObject({ user: { id: person.id }, next: appSignIn });
    const back = await browser.follow(signedIn.next!, TEST_REDIRECT);
    const tokens = await oidc.authorizationCodeGrant(rp, back.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()!.sub).toBe(person.id);
  });

  it('with two-factor on, answers the app sign-in beside the second step, which then hands the app its code', async () => {
    const secret = await enrolTotp();
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const browser = new TestBrowser(t.issuer);
    const { landed, verifier, state, nonce } = await authorize(rp, browser);
    const appSignIn = landed.searchParams.get('next')!;

    const firstStep = await useLoginLink(browser, await loginLinkToken());
    expect(firstStep).toMatchObject({ mfaRequired: true, next: appSignIn });
    // The next time step: the code that confirmed the app was set up cannot be used again.
    const code = totpCodeAt(secret, new Date(Date.now() + 30_000));
    const secondStep = await browser.api('POST', '/api/v1/auth/mfa', { method: 'totp', code });
    expect(secondStep.status).toBe(200);
    const back = await browser.follow(firstStep.next!, TEST_REDIRECT);
    const tokens = await oidc.authorizationCodeGrant(rp, back.url, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()!.sub).toBe(person.id);
  });

  it('answers nothing to go back to once the app sign-in is done, or when it never started at an app', async () => {
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const browser = new TestBrowser(t.issuer);
    const { landed } = await authorize(rp, browser);
    await browser.signIn(person.email);
    await browser.follow(landed.searchParams.get('next')!, TEST_REDIRECT);
    expect((await useLoginLink(browser, await loginLinkToken())).next).toBeNull();

    expect((await useLoginLink(new TestBrowser(t.issuer), await loginLinkToken())).next).toBeNull();
  });

  it('never answers another site, whatever the browser sends', async () => {
    const browser = new TestBrowser(t.issuer);
    browser.jar.set('foyer_app_sign_in', encodeURIComponent('https://evil.example.com/oidc/interaction/x'));
    expect((await useLoginLink(browser, await loginLinkToken())).next).toBeNull();
    browser.jar.set('foyer_app_sign_in', encodeURIComponent('//evil.example.com'));
    expect((await useLoginLink(browser, await loginLinkToken())).next).toBeNull();
  });
});
