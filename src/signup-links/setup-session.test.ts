import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSoftwareAuthenticator } from '../auth/passkeys/testing.js';
import { seedUser } from '../../test/support.js';
import { relyingParty, registerApp, signInToApp, startListeningApp, TestBrowser, authorize, type ListeningApp } from '../apps/testing.js';

// A half-made account (begun by a sign-up link, no passkey yet) is signed in only to finish setting itself up: this
// file proves it can do that and nothing else, and that the first passkey makes it an ordinary member's session.
let t: ListeningApp;
let admin: TestBrowser;
beforeEach(async () => {
  t = await startListeningApp();
  const ada = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin' });
  admin = new TestBrowser(t.issuer);
  await admin.signIn(ada.email);
});
afterEach(async () => {
  await t.close();
});

async function startJoining(person: Record<string, string> = { name: 'Nia New', email: 'nia@example.com', username: 'nia' }): Promise<TestBrowser> {
  const created = await admin.api('POST', '/api/v1/admin/signup-links', { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
  expect(created.status).toBe(201);
  const { token } = (await created.json()) as { token: string };
  const visitor = new TestBrowser(t.issuer);
  const started = await visitor.api('POST', `/api/v1/signup-links/${token}/redeem`, person);
  expect(started.status).toBe(201);
  return visitor;
}

const meOf = async (who: TestBrowser) => ((await (await who.api('GET', '/api/v1/me')).json()) as { user: { setupIncomplete: boolean } }).user;

async function registerPasskey(who: TestBrowser) {
  const authenticator = createSoftwareAuthenticator({ origin: t.issuer });
  const options = await who.api('POST', '/api/v1/me/passkeys/options');
  expect(options.status).toBe(200);
  const response = authenticator.register(((await options.json()) as { options: Parameters<typeof authenticator.register>[0] }).options);
  const saved = await who.api('POST', '/api/v1/me/passkeys', { response });
  expect(saved.status).toBe(201);
}

describe('the session of a half-made account', () => {
  it('reads itself and says the set-up is unfinished, but is refused anything a member does', async () => {
    const visitor = await startJoining();
    expect((await meOf(visitor)).setupIncomplete).toBe(true);
    for (const [method, path] of [['GET', '/api/v1/me/sessions'], ['GET', '/api/v1/me/apps'], ['POST', '/api/v1/admin/api-tokens']] as const) {
      const refused = await visitor.api(method, path, method === 'POST' ? { name: 'sneaky' } : undefined);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('setup_incomplete');
    }
  });

  it('does not count as signed in to an app open to everyone: the app sends it to sign in', async () => {
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const visitor = await startJoining();
    const { landed } = await authorize(rp, visitor);
    expect(landed.pathname).toBe('/login');
    expect(landed.searchParams.get('next')).toMatch(/^\/oidc\/interaction\//);
  });

  it('becomes an ordinary session once the first passkey is saved', async () => {
    const { app, clientSecret } = await registerApp(admin, { access: { everyone: true, groupIds: [] } });
    const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
    const visitor = await startJoining();
    await registerPasskey(visitor);
    expect((await meOf(visitor)).setupIncomplete).toBe(false);
    expect((await visitor.api('GET', '/api/v1/me/sessions')).status).toBe(200);
    const tokens = await signInToApp(rp, visitor);
    expect(tokens.claims()?.email).toBe('nia@example.com');
  });

  it('is an ordinary session from the start when the person chose a password on the join form', async () => {
    const visitor = await startJoining({ name: 'Pat Password', email: 'pat@example.com', username: 'pat', password: 'a long enough passphrase' });
    expect((await meOf(visitor)).setupIncomplete).toBe(false);
    expect((await visitor.api('GET', '/api/v1/me/sessions')).status).toBe(200);
  });
});
