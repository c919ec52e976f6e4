import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** A person known to the tests' identity provider; `login` is what they type on its sign-in page. */
export interface TestAccount {
  login: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** While true, every ID token the token endpoint answers carries a signature that does not match it. */
  forgeIdTokenSignatures: boolean;
  /**
   * Plays the person at the provider: follows the authorization URL, submits the provider's own sign-in form as
   * `login`, and returns the URL the provider sends the browser back to (Foyer's callback with code and state).
   */
  signInAt(authorizationUrl: string, login: string): Promise<URL>;
  /** Stops answering, as a provider that is down. */
  stop(): Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider, with its built-in development sign-in pages) on a loopback port, so the SSO
 * tests exercise discovery, signed ID tokens, PKCE, state and nonce exactly as against a production provider.
 */
export async function startTestProvider(input: { redirectUri: string; accounts: TestAccount[] }): Promise<TestProvider> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'foyer';
  const clientSecret = 'test-client-secret-that-is-long-enough';
  const accounts = new Map(input.accounts.map((a) => [a.login, a]));

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [input.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: account.subject,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
          preferred_username: account.login,
        }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key'] },
    // Foyer is a first-party client here: skip the consent screen, as a company provider would.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const existing = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  const state = { forgeIdTokenSignatures: false };
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (state.forgeIdTokenSignatures && ctx.path === '/token' && typeof body?.id_token === 'string') {
      const [header, payload, signature] = body.id_token.split('.');
      const flipped = signature!.startsWith('A') ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
      ctx.body = { ...body, id_token: `${header}.${payload}.${flipped}` };
    }
  });
  server.on('request', provider.callback());

  async function signInAt(authorizationUrl: string, login: string): Promise<URL> {
    const jar = new Map<string, string>();
    const send = async (url: URL, init: RequestInit = {}) => {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const at = pair!.indexOf('=');
        jar.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
      return response;
    };
    let url = new URL(authorizationUrl);
    for (let step = 0; step < 10; step += 1) {
      if (url.href.startsWith(input.redirectUri)) return url;
      const response = await send(url);
      const location = response.headers.get('location');
      if (location) {
        url = new URL(location, url);
        continue;
      }
      const html = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`the provider answered ${response.status} without a sign-in form: ${html.slice(0, 300)}`);
      const submitted = await send(new URL(action, url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString(),
      });
      url = new URL(submitted.headers.get('location')!, url);
    }
    throw new Error('the provider never sent the browser back');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    get forgeIdTokenSignatures() {
      return state.forgeIdTokenSignatures;
    },
    set forgeIdTokenSignatures(value: boolean) {
      state.forgeIdTokenSignatures = value;
    },
    signInAt,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
