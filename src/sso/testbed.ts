import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { ssoIdentities } from './schema.js';
import { startTestProvider, type TestProvider } from './test-provider.js';

const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

// Live bindings: the test files read these after the hooks below have set them for each test.
export let idp: TestProvider;
export let t: TestApp;
export let adminCookie: string;
export let providerId: string;

/** Registers the hooks every SSO test file needs: one identity provider per file, a fresh app and provider per test. */
export function useSsoTestbed(): void {
  beforeAll(async () => {
    idp = await startTestProvider({
      redirectUri: 'http://localhost:3000/api/v1/auth/sso/callback',
      accounts: [
        { login: 'alice', subject: 'alice-sub', email: 'alice@example.com', emailVerified: true, name: 'Alice Example' },
        { login: 'bob', subject: 'bob-sub', email: 'bob@example.com', emailVerified: false, name: 'Bob Unverified' },
        { login: 'carol', subject: 'carol-sub', email: 'carol@example.com', emailVerified: true, name: 'Carol Newcomer' },
      ],
    });
  });
  afterAll(() => idp.stop());

  beforeEach(async () => {
    t = await createTestApp({ FOYER_SECRET_KEY: SECRET_KEY });
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    adminCookie = await signIn(t.app, admin.email);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sso-providers',
      headers: asBrowser(adminCookie),
      payload: { name: 'Corp ID', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
    });
    expect(created.statusCode).toBe(201);
    providerId = created.json().provider.id;
    await setLinkHint(true);
  });
  afterEach(() => t.close());
}

export const setLinkHint = async (linkHint: boolean) => {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { sso: { linkHint } } });
  expect(res.statusCode).toBe(200);
};

export const flowCookieOf = (response: LightMyRequestResponse) => {
  const cookie = response.cookies.find((c) => c.name === 'foyer_sso_flow' && c.value);
  if (!cookie) throw new Error(`no flow cookie: ${response.statusCode} ${String(response.headers.location)}`);
  return `foyer_sso_flow=${cookie.value}`;
};
export const cookies = (...pairs: (string | undefined)[]) => pairs.filter(Boolean).join('; ');
export const sessionOf = (response: LightMyRequestResponse) => response.cookies.find((c) => c.name === 'foyer_session' && c.value);

/** A browser's whole round trip: Foyer's start, the provider's sign-in page, and Foyer's callback. */
export async function roundTrip(login: string, options: { session?: string; tamper?: (url: URL) => void; intent?: 'verify'; next?: string } = {}) {
  const query = new URLSearchParams({ ...(options.intent && { intent: options.intent }), ...(options.next && { next: options.next }) });
  const start = await t.app.inject({
    url: `/api/v1/auth/sso/${providerId}/start${query.size ? `?${query.toString()}` : ''}`,
    headers: options.session ? { cookie: options.session } : {},
  });
  expect(start.statusCode).toBe(302);
  const flow = flowCookieOf(start);
  const next = start.cookies.find((c) => c.name === 'foyer_sso_next' && c.value);
  const back = await idp.signInAt(String(start.headers.location), login);
  options.tamper?.(back);
  const cookie = cookies(options.session, flow, next && `${next.name}=${next.value}`);
  return t.app.inject({ url: `${back.pathname}${back.search}`, headers: { cookie } });
}

export const locationOf = (response: LightMyRequestResponse) => new URL(String(response.headers.location), TEST_ORIGIN);

export async function linkViaAccount(cookie: string, login: string) {
  const begun = await t.app.inject({ method: 'POST', url: `/api/v1/me/sso/${providerId}/link`, headers: asBrowser(cookie) });
  expect(begun.statusCode).toBe(200);
  const back = await idp.signInAt(begun.json().url, login);
  return t.app.inject({ url: `${back.pathname}${back.search}`, headers: { cookie: cookies(cookie, flowCookieOf(begun)) } });
}

export const identitiesOf = (userId: string) => t.handle.db.select().from(ssoIdentities).where(eq(ssoIdentities.userId, userId));

export async function authMethodOf(userId: string) {
  const res = await t.app.inject({ url: `/api/v1/admin/users/${userId}`, headers: { cookie: adminCookie } });
  return res.json().user.authMethod as string;
}
