import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { discoverProvider, findSsoProvider, settingsOf, ssoProviderNotFound, type SsoProviderRow } from './providers.js';
import { ssoFlows, type SsoFlowMode } from './schema.js';

/** Long enough to type a password and answer a second factor at the provider; short enough that a stolen id is stale. */
export const SSO_FLOW_TTL_MS = 10 * 60_000;

export const CALLBACK_PATH = '/api/v1/auth/sso/callback';
export const callbackUrl = (config: Config) => new URL(CALLBACK_PATH, config.publicUrl).toString();

export const hashFlowId = (id: string) => createHash('sha256').update(id).digest('base64url');

export type SsoFlowRow = typeof ssoFlows.$inferSelect;

/** The verified facts a provider told us about the person who just signed in there. */
export interface SsoClaims {
  subject: string;
  email: string | null;
  /** Only an explicit `email_verified: true` counts: links are made on emails the provider vouches for. */
  emailVerified: boolean;
  name: string | null;
  preferredUsername: string | null;
}

export const ssoFailure = (status: number, code: string, message: string) => new FoyerError(status, code, message);

const flowExpired = () =>
  ssoFailure(400, 'sso_flow_expired', 'This single sign-on attempt expired or was already used. Please start again.');

/**
 * Begins a round trip: state, nonce and PKCE verifier are kept in the database under a fresh random id that only
 * the browser holds (in a cookie), so whichever instance receives the callback can finish it, and nobody else can.
 */
export async function startSsoFlow(
  db: Database,
  config: Config,
  input: { providerId: string; mode: SsoFlowMode; userId: string | null; now: Date },
): Promise<{ flowId: string; authorizationUrl: string }> {
  const provider = await findSsoProvider(db, input.providerId);
  if (!provider || !provider.enabled) throw ssoProviderNotFound();
  const configuration = await discoverProvider(settingsOf(config, provider));
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: callbackUrl(config),
    response_type: 'code',
    scope: provider.scopes.join(' '),
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  const flowId = randomBytes(32).toString('base64url');
  await db.delete(ssoFlows).where(lt(ssoFlows.expiresAt, input.now));
  await db.insert(ssoFlows).values({
    idHash: hashFlowId(flowId),
    providerId: provider.id,
    mode: input.mode,
    userId: input.userId,
    state,
    nonce,
    codeVerifier,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + SSO_FLOW_TTL_MS),
  });
  return { flowId, authorizationUrl: authorizationUrl.toString() };
}

/** Takes the flow out of the database in one statement, so a replayed callback finds nothing. */
export async function consumeSsoFlow(db: Database, flowId: string | undefined, now: Date): Promise<SsoFlowRow> {
  if (!flowId || flowId.length > 100) throw flowExpired();
  const [flow] = await db
    .delete(ssoFlows)
    .where(and(eq(ssoFlows.idHash, hashFlowId(flowId)), gt(ssoFlows.expiresAt, now)))
    .returning();
  if (!flow) throw flowExpired();
  return flow;
}

const isNetworkFailure = (error: unknown) => {
  const e = error as { name?: string; cause?: { code?: string } };
  return e.name === 'TimeoutError' || e.name === 'AbortError' || (e.name === 'TypeError' && e.cause?.code !== undefined);
};

/**
 * Exchanges the code and checks the ID token: openid-client verifies state, the token's signature (switched on in
 * `discoverProvider`: by default it trusts the TLS channel instead), its exact issuer and audience, its nonce, and
 * the PKCE verifier. Anything off is refused without saying which check failed.
 */
export async function completeSsoFlow(
  db: Database,
  config: Config,
  flow: SsoFlowRow,
  query: Record<string, string | undefined>,
): Promise<{ provider: SsoProviderRow; claims: SsoClaims }> {
  const provider = await findSsoProvider(db, flow.providerId);
  if (!provider || !provider.enabled) throw ssoProviderNotFound();
  if (query.error) {
    throw ssoFailure(401, 'sso_denied', 'The identity provider did not sign you in. Please try again.');
  }
  const configuration = await discoverProvider(settingsOf(config, provider));
  const currentUrl = new URL(callbackUrl(config));
  for (const [key, value] of Object.entries(query)) if (value !== undefined) currentUrl.searchParams.set(key, value);
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    if (isNetworkFailure(error)) {
      throw ssoFailure(502, 'sso_provider_unreachable', 'The identity provider could not be reached. Please try again later.');
    }
    throw ssoFailure(401, 'sso_response_rejected', 'The answer from the identity provider could not be verified. Please start again.');
  }
  const idToken = tokens.claims()!;
  let claims: Record<string, unknown> = { ...idToken };
  // Many providers put profile claims only in the UserInfo response: ask for them there, bound to the same subject.
  if (claims.email === undefined && configuration.serverMetadata().userinfo_endpoint) {
    try {
      claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)), ...idToken };
    } catch (error) {
      if (isNetworkFailure(error)) {
        throw ssoFailure(502, 'sso_provider_unreachable', 'The identity provider could not be reached. Please try again later.');
      }
      throw ssoFailure(401, 'sso_response_rejected', 'The answer from the identity provider could not be verified. Please start again.');
    }
  }
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
  return {
    provider,
    claims: {
      subject: idToken.sub,
      email: text(claims.email),
      emailVerified: claims.email_verified === true,
      name: text(claims.name),
      preferredUsername: text(claims.preferred_username),
    },
  };
}
