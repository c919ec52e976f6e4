/**
 * `offline_access` without `prompt=consent`. OpenID Connect Core §11 lets a provider drop `offline_access` unless the
 * request also carries `prompt=consent`, and the engine does, because its consent would otherwise be skipped.
 * Foyer asks its own consent (interactions.ts) with offline access in the list of what the app will see, and keeps
 * the answer, so asking again on every sign-in would only train people to click Allow. So: the authorization
 * request is marked before the engine drops the scope, the interaction adds `offline_access` to the grant when the
 * person's consent (or the app's `requireConsent: false`) covers it, and a code from such a grant outlives the
 * engine session and is redeemed with a refresh token.
 */
import type { IncomingMessage } from 'node:http';

/** The authorization request parameter that carries "the app asked for offline_access" past the engine. */
export const OFFLINE_MARK = 'foyer_offline_access';

interface GrantLike {
  getOIDCScope(): string;
}

interface MarkedContext {
  oidc: { params?: Record<string, unknown>; grant?: GrantLike };
}

const scopesOf = (value: unknown) => (typeof value === 'string' ? value.split(' ') : []);

/**
 * Before the engine reads an authorization request (GET, the way apps send them): an app asking for offline_access
 * without prompt=consent gets the mark, which the engine keeps with the request through the interaction.
 */
export function markOfflineRequest(req: IncomingMessage, path: string): void {
  if (req.method !== 'GET' || path !== '/oidc/auth') return;
  const url = new URL(req.url ?? '/', 'http://engine');
  url.searchParams.delete(OFFLINE_MARK);
  if (!scopesOf(url.searchParams.get('scope')).includes('offline_access')) return;
  if (scopesOf(url.searchParams.get('prompt')).includes('consent')) return;
  url.searchParams.set(OFFLINE_MARK, '1');
  req.url = `${url.pathname}${url.search}`;
}

/** The scopes the app asked for, offline_access included when the engine dropped it. */
export function requestedScopes(params: Record<string, unknown>): string[] {
  const scopes = scopesOf(params.scope ?? 'openid');
  return params[OFFLINE_MARK] && !scopes.includes('offline_access') ? [...scopes, 'offline_access'] : scopes;
}

const grantHasOfflineAccess = (grant: GrantLike | undefined) => Boolean(grant && scopesOf(grant.getOIDCScope()).includes('offline_access'));

/** The engine's consent prompt: a marked request whose grant lacks offline_access goes to Foyer's interaction. */
export const offlineAccessMissing = (ctx: MarkedContext) => Boolean(ctx.oidc.params?.[OFFLINE_MARK]) && !grantHasOfflineAccess(ctx.oidc.grant);

/** The engine's `expiresWithSession`: tokens for offline access must outlive the engine session, others do not. */
export function expiresWithSession(ctx: MarkedContext, code: { scopes: Set<string> }): boolean {
  if (code.scopes.has('offline_access')) return false;
  return !(ctx.oidc.params?.[OFFLINE_MARK] && grantHasOfflineAccess(ctx.oidc.grant));
}

/** The engine's `issueRefreshToken`: for exactly the codes (and refresh tokens) that outlive the session. */
export function issueRefreshToken(
  _ctx: unknown,
  client: { grantTypeAllowed(type: string): boolean },
  source: { scopes: Set<string>; expiresWithSession?: boolean },
): boolean {
  return client.grantTypeAllowed('refresh_token') && (source.scopes.has('offline_access') || !source.expiresWithSession);
}
