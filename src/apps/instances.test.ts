import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser } from '../../test/support.js';
import type { UserRow } from '../accounts/index.js';
import { authorize, registerApp, relyingParty, startListeningApp, TEST_REDIRECT, TestBrowser, type ListeningApp } from './testing.js';

describe.runIf(process.env.TEST_DATABASE_URL)('two instances on one database share every sign-in (PostgreSQL)', () => {
  let a: ListeningApp;
  let b: ListeningApp;
  let person: UserRow;
  let admin: TestBrowser;
  let browser: TestBrowser;

  beforeAll(async () => {
    a = await startListeningApp();
    b = await startListeningApp({ FOYER_PUBLIC_URL: a.issuer }, a);
    const adminUser = await seedUser(a.handle, { roles: ['admin'] });
    person = await seedUser(a.handle, { roles: ['member'] });
    admin = new TestBrowser(a.issuer, [a.address, b.address]);
    await admin.signIn(adminUser.email);
    browser = new TestBrowser(a.issuer, [a.address, b.address]);
    await browser.signIn(person.email);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  /** An app talking to the load balancer: each of its requests reaches the next instance. */
  async function spreadRelyingParty(clientId: string, clientSecret: string) {
    const balancer = new TestBrowser(a.issuer, [b.address, a.address]);
    const rp = await relyingParty(a.issuer, clientId, clientSecret);
    rp[oidc.customFetch] = (url, options) => fetch(balancer.route(new URL(url)), options as RequestInit);
    return rp;
  }

  it('authorizes on one, redeems and refreshes on the other, and a disable on either ends it on both', async () => {
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await spreadRelyingParty(app.clientId, clientSecret!);
    const { landed, verifier, state, nonce } = await authorize(rp, browser);
    expect(landed.href.startsWith(TEST_REDIRECT), landed.href).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect((await oidc.fetchUserInfo(rp, tokens.access_token, person.id)).sub).toBe(person.id);
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect((await oidc.tokenIntrospection(rp, refreshed.access_token)).active).toBe(true);
    expect((await admin.api('POST', `/api/v1/admin/users/${person.id}/disable`)).status).toBe(200);
    expect(await oidc.tokenIntrospection(rp, refreshed.access_token)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(rp, refreshed.access_token)).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(rp, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a code redeemed on both instances at once gives tokens exactly once', async () => {
    const other = await seedUser(a.handle, { roles: ['member'] });
    const who = new TestBrowser(a.issuer, [a.address, b.address]);
    await who.signIn(other.email);
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await spreadRelyingParty(app.clientId, clientSecret!);
    const { landed, verifier, state, nonce } = await authorize(rp, who);
    const checks = { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce };
    const results = await Promise.allSettled([oidc.authorizationCodeGrant(rp, landed, checks), oidc.authorizationCodeGrant(rp, landed, checks)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toMatchObject({ error: 'invalid_grant' });
  });
});
