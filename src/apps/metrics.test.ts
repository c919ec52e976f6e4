import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedUser } from '../../test/support.js';
import { registerApp, relyingParty, signInToApp, startListeningApp, TestBrowser, type ListeningApp } from './testing.js';

const TOKEN = 'metrics-token-0123456789';
let t: ListeningApp;
beforeEach(async () => {
  t = await startListeningApp({ FOYER_METRICS_TOKEN: TOKEN });
});
afterEach(() => t.close());

const scrape = async () => (await fetch(`${t.issuer}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

describe('app metrics', () => {
  it('count each sign-in to an app and each token grant by type', async () => {
    const admin = new TestBrowser(t.issuer);
    await admin.signIn((await seedUser(t.handle, { roles: ['admin'] })).email);
    const person = await seedUser(t.handle, { roles: ['member'] });
    const browser = new TestBrowser(t.issuer);
    await browser.signIn(person.email);
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);

    const tokens = await signInToApp(rp, browser);
    await oidc.refreshTokenGrant(rp, tokens.refresh_token!);

    const text = await scrape();
    expect(text).toContain(`foyer_app_sign_ins_total{client_id="${app.clientId}"} 1`);
    expect(text).toContain('foyer_token_grants_total{grant_type="authorization_code"} 1');
    expect(text).toContain('foyer_token_grants_total{grant_type="refresh_token"} 1');
  });
});
