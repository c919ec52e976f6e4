import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { interactionPolicy } from 'oidc-provider';
import type { Actor } from '../../accounts/index.js';
import { endOneSessionOf } from '../../auth/index.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import { FoyerError } from '../../platform/errors.js';
import { appMetrics } from '../../metrics/index.js';
import { secretMatches } from '../../platform/crypto.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { secretBox, type SecretBox } from '../../platform/secrets.js';
import { isAllowed } from '../access.js';
import { consentCovers, findAppByClientId, recordSignIn } from '../service.js';
import { drizzleAdapter } from './adapter.js';
import { claimsOf, findAppAccount, SCOPE_CLAIMS, SUPPORTED_SCOPES } from './claims.js';
import { ensureEngineKeys, keyFingerprint, loadEngineKeys } from './keys.js';
import { errorPage, logoutPage, signedOutPage } from './pages.js';
import { queueLogoutNotice } from './logout-delivery.js';
import { expiresWithSession, issueRefreshToken, markOfflineRequest, OFFLINE_MARK, offlineAccessMissing } from './offline-access.js';

/** The few engine objects Foyer touches, typed here because oidc-provider ships no types. */
export interface EngineContext {
  req: IncomingMessage;
  ip: string;
  path: string;
  status: number;
  get(header: string): string;
  oidc: {
    route?: string;
    params?: Record<string, unknown>;
    client?: { clientId: string; clientName?: string };
    account?: { accountId: string };
    session?: { accountId?: string };
    requestParamScopes: Set<string>;
    entities: { AuthorizationCode?: { accountId: string; clientId: string } };
  };
}

export interface EngineClient {
  clientId: string;
  clientSecret?: string;
  backchannelLogoutUri?: string;
}

export interface EngineProvider {
  proxy: boolean;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  use(middleware: (ctx: EngineContext, next: () => Promise<void>) => Promise<void>): void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>): Promise<string>;
  Client: { find(id: string): Promise<EngineClient | undefined>; prototype: Record<string, unknown> };
  Grant: new (input: { accountId: string; clientId: string }) => EngineGrant;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

export interface EngineGrant {
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}

export interface InteractionDetails {
  uid: string;
  iat: number;
  prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
  params: Record<string, string | undefined> & { client_id: string; scope?: string };
  session?: { accountId?: string };
  grantId?: string;
}

/** Token and session lifetimes, in seconds. Opaque access tokens are checked on every use, so an hour is safe. */
const TTL = {
  AccessToken: (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 60 * 60,
  Grant: 30 * 24 * 60 * 60,
  RefreshToken: 30 * 24 * 60 * 60,
  Session: 14 * 24 * 60 * 60,
};
/** JWT access tokens cannot be revoked before they expire, so they live only minutes. */
const JWT_ACCESS_TOKEN_TTL = 10 * 60;

// The Foyer session behind each engine request, resolved by Foyer's own request hook before the engine runs.
const actors = new WeakMap<IncomingMessage, Actor | null>();
export const attachActor = (req: IncomingMessage, actor: Actor | null) => actors.set(req, actor);
const actorOf = (req: IncomingMessage) => actors.get(req) ?? null;

const auditFrom = (ctx: EngineContext, actorId = ctx.oidc.entities.AuthorizationCode?.accountId ?? null): AuditContext => ({
  actorType: 'user',
  actorId,
  ip: ctx.ip ?? null,
  userAgent: ctx.get('user-agent')?.slice(0, 512) || null,
  now: new Date(),
});

/**
 * RP-initiated logout answered "Yes, sign me out" (the engine's `logout=yes`) signs the person out of Foyer too, as
 * Keycloak and Authentik do: someone pressing Sign out in an app on a shared computer expects to leave no way back
 * in. "Only sign out of this app" (no `logout`) ends just that app's sign-in, which is the engine's own doing.
 */
async function endFoyerSession(db: Database, ctx: EngineContext): Promise<void> {
  if (ctx.oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !ctx.oidc.params?.logout) return;
  const actor = actorOf(ctx.req);
  if (actor?.via !== 'session' || !actor.sessionId) return;
  const { sessionId } = actor;
  await db.transaction(async (tx) => {
    try {
      await endOneSessionOf(tx, actor.user.id, sessionId);
    } catch (error) {
      // Already gone (signed out in another tab at the same moment): nothing left to end.
      if (error instanceof FoyerError && error.status === 404) return;
      throw error;
    }
    await recordAudit(tx, auditFrom(ctx, actor.user.id), {
      action: 'auth.logout',
      targetType: 'user',
      targetId: actor.user.id,
      details: { via: 'app_sign_out', clientId: ctx.oidc.client?.clientId ?? null },
    });
  });
}

function policy(db: Database) {
  const { base, Check } = interactionPolicy;
  const prompts = base();
  // An engine session counts only while the Foyer session of the same person does: signing out of Foyer, or being
  // disabled (which ends every Foyer session), means signing in again before any app gets a code.
  prompts.get('login')!.checks.add(
    new Check('foyer_session', 'Sign in to Foyer', (ctx) => {
      const { req, oidc } = ctx as EngineContext;
      const actor = actorOf(req);
      if (!oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
      return !oidc.account || actor?.via !== 'session' || actor.user.id !== oidc.session.accountId;
    }),
  );
  // Every authorization asks the access rule and the consent record again, so nothing remembered in an engine
  // session or grant can open an app the person is no longer allowed into.
  prompts.get('consent')!.checks.add(
    new Check('foyer_access', 'Foyer must check this app is open to you', async (ctx) => {
      const { oidc } = ctx as EngineContext;
      if (!oidc.client || !oidc.account) return Check.REQUEST_PROMPT;
      const app = await findAppByClientId(db, oidc.client.clientId);
      if (!app || !(await isAllowed(db, app.clientId, oidc.account.accountId))) return Check.REQUEST_PROMPT;
      if (!app.requireConsent) return Check.NO_NEED_TO_PROMPT;
      return !(await consentCovers(db, app.id, oidc.account.accountId, [...oidc.requestParamScopes]));
    }),
  );
  prompts.get('consent')!.checks.add(
    new Check('foyer_offline_access', 'Foyer must add offline access to the grant', (ctx) => offlineAccessMissing(ctx as never)),
  );
  return prompts;
}

function configuration(db: Database, config: Config, keys: Awaited<ReturnType<typeof loadEngineKeys>>) {
  const cookie = { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, path: '/' };
  return {
    adapter: drizzleAdapter(db),
    clients: [],
    async findAccount(ctx: EngineContext | undefined, id: string) {
      const clientId = ctx?.oidc?.client?.clientId;
      const account = await findAppAccount(db, id, clientId);
      if (!account || account.status !== 'active') return undefined;
      if (clientId && account.allowed !== true) return undefined;
      const { allowed: _allowed, groups, ...person } = account;
      return { accountId: id, claims: () => claimsOf(person, groups) };
    },
    claims: SCOPE_CLAIMS,
    scopes: [...SUPPORTED_SCOPES],
    extraParams: [OFFLINE_MARK],
    expiresWithSession,
    issueRefreshToken,
    // Apps commonly read email and name from the ID token rather than calling userinfo.
    conformIdTokenClaims: false,
    jwks: keys.jwks,
    cookies: {
      keys: keys.cookieKeys,
      long: cookie,
      short: cookie,
      names: { session: 'foyer_op_session', interaction: 'foyer_op_interaction', resume: 'foyer_op_resume' },
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage, postLogoutSuccessSource: signedOutPage },
      resourceIndicators: {
        enabled: true,
        // An app set to JWT access tokens gets them for itself as the audience; others keep opaque tokens.
        async defaultResource(ctx: EngineContext) {
          const app = ctx.oidc.client ? await findAppByClientId(db, ctx.oidc.client.clientId) : undefined;
          return app?.accessTokenFormat === 'jwt' ? `urn:foyer:app:${app.clientId}` : undefined;
        },
        async getResourceServerInfo(_ctx: EngineContext, resource: string) {
          const clientId = resource.replace(/^urn:foyer:app:/, '');
          const app = await findAppByClientId(db, clientId);
          if (!app || app.accessTokenFormat !== 'jwt') throw new Error('unknown resource');
          return {
            scope: SUPPORTED_SCOPES.join(' '),
            audience: app.clientId,
            accessTokenTTL: JWT_ACCESS_TOKEN_TTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: app.signingAlgorithm } },
          };
        },
        useGrantedResource: () => true,
      },
    },
    pkce: { required: (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod === 'none' },
    responseTypes: ['code'],
    clientDefaults: { id_token_signed_response_alg: 'ES256', grant_types: ['authorization_code'], response_types: ['code'] },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256'],
      userinfoSigningAlgValues: ['ES256', 'RS256'],
      introspectionSigningAlgValues: ['ES256', 'RS256'],
      authorizationSigningAlgValues: ['ES256', 'RS256'],
      clientAuthSigningAlgValues: ['ES256', 'RS256'],
      requestObjectSigningAlgValues: ['ES256', 'RS256'],
    },
    routes: {
      authorization: '/oidc/auth',
      token: '/oidc/token',
      userinfo: '/oidc/me',
      jwks: '/oidc/jwks',
      introspection: '/oidc/token/introspection',
      revocation: '/oidc/token/revocation',
      end_session: '/oidc/session/end',
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/oidc/interaction/${interaction.uid}`, policy: policy(db) },
    ttl: TTL,
    rotateRefreshToken: () => true,
    // Self-hosted apps usually live on the organisation's private network, and only administrators register
    // back-channel logout URIs, so outgoing calls may reach private addresses the engine would otherwise refuse.
    fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
      delete options.dispatcher;
      return fetch(url, options);
    },
    renderError: errorPage,
  };
}

export interface Engine {
  /** The provider for the current key set, built again when a rotation (on any instance) changed it. */
  current(): Promise<EngineProvider>;
  box: SecretBox;
}

export function createEngine(db: Database, config: Config): Engine {
  const box = secretBox(config);
  let built: { fingerprint: string; provider: EngineProvider } | undefined;
  let building: Promise<EngineProvider> | undefined;

  async function build(): Promise<EngineProvider> {
    await ensureEngineKeys(db, box, new Date());
    const keys = await loadEngineKeys(db, box);
    const provider = new Provider(config.publicUrl.origin, configuration(db, config, keys)) as unknown as EngineProvider;
    provider.proxy = config.trustProxy;
    // Secrets are stored as digests (see apps/schema.ts): compare the digest of what the app presents.
    provider.Client.prototype.compareClientSecret = function compare(this: EngineClient, actual: string) {
      return Boolean(this.clientSecret) && secretMatches(actual, this.clientSecret!);
    };
    // RP-initiated logout tells the other apps of the session through the same durable queue as everything else.
    provider.Client.prototype.backchannelLogout = function queue(this: EngineClient, sub: string) {
      return queueLogoutNotice(db, { clientId: this.clientId, uri: this.backchannelLogoutUri!, userId: sub, now: new Date() });
    };
    provider.use(async (ctx, next) => {
      markOfflineRequest(ctx.req, ctx.path);
      await next();
      await endFoyerSession(db, ctx);
      // A code handed out (not one redeemed at the token endpoint) is the moment the person signed in to the app.
      const code = ctx.oidc?.entities.AuthorizationCode;
      if (!code || (ctx.oidc.route !== 'authorization' && ctx.oidc.route !== 'resume')) return;
      const app = await findAppByClientId(db, code.clientId);
      if (!app) return;
      await recordSignIn(db, auditFrom(ctx), { appId: app.id, userId: code.accountId });
      appMetrics.signedIn(code.clientId);
    });
    provider.on('grant.success', (...args: unknown[]) => {
      const ctx = args[0] as { oidc?: { params?: { grant_type?: unknown } } };
      appMetrics.tokenGranted(String(ctx.oidc?.params?.grant_type ?? 'unknown'));
    });
    built = { fingerprint: keys.fingerprint, provider };
    return provider;
  }

  return {
    box,
    async current() {
      if (built && built.fingerprint === (await keyFingerprint(db))) return built.provider;
      building ??= build().finally(() => {
        building = undefined;
      });
      return building;
    },
  };
}
