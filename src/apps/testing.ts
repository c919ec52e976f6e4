import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { createTestApp, seedUser, type TestApp } from '../../test/support.js';

/** A port nobody listens on right now, so the issuer URL can be known before the app starts listening on it. */
async function freePort(): Promise<number> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const TEST_SECRET_KEY = randomBytes(32).toString('base64');

export interface ListeningApp extends TestApp {
  issuer: string;
  /** Where this instance listens; differs from the issuer when several instances serve one public URL. */
  address: string;
}

/** Foyer listening on a loopback port with its issuer set to that address, as a relying party reaches it. */
export async function startListeningApp(env: Record<string, string> = {}, reuse?: Pick<TestApp, 'handle'>): Promise<ListeningApp> {
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const settings = { FOYER_PUBLIC_URL: address, PORT: String(port), FOYER_SECRET_KEY: TEST_SECRET_KEY, ...env };
  const t = reuse ? await sharedApp(reuse, settings) : await createTestApp(settings);
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, issuer: settings.FOYER_PUBLIC_URL, address };
}

async function sharedApp(reuse: Pick<TestApp, 'handle'>, env: Record<string, string>): Promise<TestApp> {
  const { buildApp } = await import('../app.js');
  const { testConfig } = await import('../../test/support.js');
  const config = testConfig(env);
  const app = await buildApp({ db: reuse.handle.db, config });
  await app.ready();
  return { app, handle: reuse.handle, config, close: () => app.close() };
}

/**
 * A browser: keeps cookies and follows redirects by hand, so a test can stop where Foyer hands over to one of its
 * pages (sign-in, consent) or to the app's redirect URI.
 */
export class TestBrowser {
  readonly jar = new Map<string, string>();
  private turn = 0;
  /** `instances`: addresses to spread requests over in turn, as a load balancer in front of several would. */
  constructor(
    readonly origin: string,
    private readonly instances: string[] = [origin],
  ) {}

  /** The next instance's address for a URL on the public origin. */
  route(url: URL): URL {
    if (url.origin !== this.origin) return url;
    const instance = new URL(this.instances[this.turn++ % this.instances.length]!);
    return new URL(`${url.pathname}${url.search}`, instance);
  }

  async send(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(this.route(new URL(url, this.origin)), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1);
      const gone = !value || attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a.trim()));
      if (gone) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return response;
  }

  /** JSON to Foyer's API from its own pages (same Origin, as the console sends it). */
  api(method: string, path: string, body?: unknown): Promise<Response> {
    return this.send(path, {
      method,
      headers: { origin: this.origin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async signIn(identifier: string, password = 'correct horse battery'): Promise<void> {
    const response = await this.api('POST', '/api/v1/auth/login', { identifier, password });
    if (response.status !== 200) throw new Error(`sign-in answered ${response.status}: ${await response.text()}`);
  }

  /** Follows redirects until one leaves Foyer's engine: to the app (`stopAt`), a console page, or a page it renders. */
  async follow(url: string | URL, stopAt: string): Promise<{ url: URL; response?: Response }> {
    let current = new URL(url, this.origin);
    for (let step = 0; step < 15; step += 1) {
      if (current.href.startsWith(stopAt)) return { url: current };
      if (current.origin === this.origin && !current.pathname.startsWith('/oidc/')) return { url: current };
      const response = await this.send(current);
      const location = response.headers.get('location');
      if (!location) return { url: current, response };
      current = new URL(location, current);
    }
    throw new Error('too many redirects');
  }
}

/** A relying party as a real app is: openid-client configured through discovery. */
export async function relyingParty(issuer: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  const config = await oidc.discovery(
    new URL(issuer),
    clientId,
    clientSecret ? { client_secret: clientSecret } : undefined,
    clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
  oidc.enableNonRepudiationChecks(config);
  return config;
}

/** A tiny app server that records the back-channel logout tokens it receives. */
export async function startLogoutReceiver(status = 200) {
  const received: string[] = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) received.push(token);
      res.statusCode = receiver.status;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const receiver = {
    status,
    received,
    uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return receiver;
}

export const TEST_REDIRECT = 'http://127.0.0.1:9/callback';

/** Registers an app through the admin API as `admin`; fails the test on anything but 201. */
export async function registerApp(admin: TestBrowser, body: Record<string, unknown>) {
  const response = await admin.api('POST', '/api/v1/admin/apps', {
    name: 'Wiki',
    type: 'confidential',
    redirectUris: [TEST_REDIRECT],
    requireConsent: false,
    ...body,
  });
  if (response.status !== 201) throw new Error(`registering the app answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { app: { id: string; clientId: string }; clientSecret?: string };
}

/** Sends `who` through the authorization endpoint and answers where the browser ended up. */
export async function authorize(rp: oidc.Configuration, who: TestBrowser, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: TEST_REDIRECT,
    scope: 'openid profile email groups offline_access',
    prompt: 'consent',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  const landed = await who.follow(url, TEST_REDIRECT);
  return { landed: landed.url, response: landed.response, verifier, state, nonce };
}

/** The whole sign-in: authorization, code and PKCE redemption with state and nonce checked. */
export async function signInToApp(rp: oidc.Configuration, who: TestBrowser, extra: Record<string, string> = {}) {
  const { landed, verifier, state, nonce } = await authorize(rp, who, extra);
  if (!landed.href.startsWith(TEST_REDIRECT)) throw new Error(`the browser stopped at ${landed.href}`);
  return oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
}

/**
 * What most app tests start from: an instance listening for real, an administrator signed in, and a Member signed
 * in their own browser — with `group`, a group of that name holding the member, for apps open to a group.
 */
export async function startAppWorld(options: { person?: Parameters<typeof seedUser>[1]; group?: string } = {}) {
  const t = await startListeningApp();
  const adminUser = await seedUser(t.handle, { roles: ['admin'] });
  const admin = new TestBrowser(t.issuer);
  await admin.signIn(adminUser.email);
  const person = await seedUser(t.handle, { roles: ['member'], ...options.person });
  let groupId = '';
  if (options.group) {
    groupId = ((await (await admin.api('POST', '/api/v1/admin/groups', { name: options.group })).json()) as { id: string }).id;
    await admin.api('POST', `/api/v1/admin/groups/${groupId}/members`, { userIds: [person.id] });
  }
  const browser = new TestBrowser(t.issuer);
  await browser.signIn(person.email);
  return { t, admin, person, browser, groupId };
}
