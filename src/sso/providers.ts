import { asc, eq } from 'drizzle-orm';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { recordAudit, type AuditContext } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { isoDate } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { secretBox } from '../platform/secrets.js';
import { ssoProviderInput, ssoProviderPatch } from './fields.js';
import { ssoProviders } from './schema.js';

export { ssoProviderInput, ssoProviderPatch };

export type SsoProviderRow = typeof ssoProviders.$inferSelect;

const SECRET_PURPOSE = 'sso.client_secret';
const DISCOVERY_TIMEOUT_SECONDS = 10;

/** What an administrator sees of a provider: the client secret only as a flag. */
export const ssoProviderSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    clientSecretSet: z.boolean(),
    scopes: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SsoProvider' });

export type SsoProvider = z.infer<typeof ssoProviderSchema>;
export type SsoProviderInput = z.output<typeof ssoProviderInput>;

export type SsoProviderPatch = z.output<typeof ssoProviderPatch>;

export const toSsoProvider = (row: SsoProviderRow): SsoProvider => ({
  id: row.id,
  name: row.name,
  issuer: row.issuer,
  clientId: row.clientId,
  clientSecretSet: row.clientSecretSealed !== null,
  scopes: row.scopes,
  enabled: row.enabled,
  createdAt: isoDate(row.createdAt),
  updatedAt: isoDate(row.updatedAt),
});

export const ssoProviderNotFound = () => notFound('The SSO provider');

export async function listSsoProviders(db: Database): Promise<SsoProviderRow[]> {
  return db.select().from(ssoProviders).orderBy(asc(ssoProviders.name), asc(ssoProviders.id));
}

/** Enabled providers, for the sign-in page. */
export async function enabledSsoProviders(db: Database): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: ssoProviders.id, name: ssoProviders.name })
    .from(ssoProviders)
    .where(eq(ssoProviders.enabled, true))
    .orderBy(asc(ssoProviders.name), asc(ssoProviders.id));
}

export async function findSsoProvider(db: Database, id: string): Promise<SsoProviderRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(ssoProviders).where(eq(ssoProviders.id, id));
  return row;
}

export async function getSsoProvider(db: Database, id: string): Promise<SsoProviderRow> {
  const row = await findSsoProvider(db, id);
  if (!row) throw ssoProviderNotFound();
  return row;
}

const sealSecret = (config: Config, secret: string | null | undefined) =>
  secret ? secretBox(config).seal(secret, SECRET_PURPOSE) : null;

const auditedFields = (row: SsoProviderRow) => ({
  name: row.name,
  issuer: row.issuer,
  clientId: row.clientId,
  scopes: row.scopes,
  enabled: row.enabled,
  clientSecretSet: row.clientSecretSealed !== null,
});

export async function createSsoProvider(db: Database, context: AuditContext, config: Config, input: SsoProviderInput): Promise<SsoProviderRow> {
  const [row] = await db
    .insert(ssoProviders)
    .values({
      name: input.name,
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecretSealed: sealSecret(config, input.clientSecret),
      scopes: input.scopes,
      enabled: input.enabled,
      createdAt: context.now,
      updatedAt: context.now,
    })
    .returning();
  await recordAudit(db, context, { action: 'sso_provider.created', targetType: 'sso_provider', targetId: row!.id, details: auditedFields(row!) });
  return row!;
}

export async function updateSsoProvider(
  db: Database,
  context: AuditContext,
  config: Config,
  id: string,
  patch: SsoProviderPatch,
): Promise<SsoProviderRow> {
  if (!isUuid(id)) throw ssoProviderNotFound();
  const { clientSecret, ...fields } = patch;
  const [row] = await db
    .update(ssoProviders)
    .set({
      ...fields,
      ...(clientSecret === undefined ? {} : { clientSecretSealed: sealSecret(config, clientSecret) }),
      updatedAt: context.now,
    })
    .where(eq(ssoProviders.id, id))
    .returning();
  if (!row) throw ssoProviderNotFound();
  await recordAudit(db, context, {
    action: 'sso_provider.updated',
    targetType: 'sso_provider',
    targetId: id,
    details: { changed: Object.keys(patch).sort(), ...auditedFields(row) },
  });
  return row;
}

/** Removing a provider removes every link to it: people who only had that way in need another one. */
export async function deleteSsoProvider(db: Database, context: AuditContext, id: string): Promise<void> {
  if (!isUuid(id)) throw ssoProviderNotFound();
  const [row] = await db.delete(ssoProviders).where(eq(ssoProviders.id, id)).returning();
  if (!row) throw ssoProviderNotFound();
  await recordAudit(db, context, { action: 'sso_provider.deleted', targetType: 'sso_provider', targetId: id, details: { name: row.name, issuer: row.issuer } });
}

export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
}

export function settingsOf(config: Config, row: SsoProviderRow): ProviderSettings {
  return {
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret: row.clientSecretSealed ? secretBox(config).open(row.clientSecretSealed, SECRET_PURPOSE) : null,
  };
}

export const providerUnreachable = (detail: string) =>
  new FoyerError(502, 'sso_provider_unreachable', `The identity provider could not be reached or answered wrongly: ${detail}`);

/**
 * Reads the provider's discovery document. openid-client insists that the document names exactly the issuer it was
 * fetched for, and later that every ID token comes from that issuer for this client id (audience).
 */
export async function discoverProvider(settings: ProviderSettings): Promise<oidc.Configuration> {
  const issuer = new URL(settings.issuer);
  const auth = settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None();
  try {
    return await oidc.discovery(issuer, settings.clientId, undefined, auth, {
      timeout: DISCOVERY_TIMEOUT_SECONDS,
      // ID token signatures are checked against the provider's published keys, not left to the TLS channel (which
      // openid-client would otherwise trust): a plain-http loopback issuer has no such channel.
      execute: [oidc.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])],
    });
  } catch (error) {
    throw providerUnreachable(describeDiscoveryFailure(error, settings.issuer));
  }
}

/** Turns what went wrong during discovery into a sentence an administrator can act on. */
export function describeDiscoveryFailure(error: unknown, issuer: string): string {
  const e = error as { name?: string; code?: string; message?: string; cause?: unknown };
  const causeCode = (e.cause as { code?: string } | undefined)?.code;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `${issuer} did not answer within ${DISCOVERY_TIMEOUT_SECONDS} seconds.`;
  if (causeCode === 'ECONNREFUSED') return `nothing answers at ${issuer} (connection refused).`;
  if (causeCode === 'ENOTFOUND' || causeCode === 'EAI_AGAIN') return `the host name of ${issuer} does not resolve.`;
  if (causeCode?.startsWith('ERR_TLS') || causeCode?.includes('CERT')) return `the TLS certificate of ${issuer} is not trusted.`;
  const document = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  if (e.message?.includes('unexpected HTTP response status code')) return `${document} answered with an error status.`;
  if (e.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || e.code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
    return `${document} is not an OpenID Connect discovery document.`;
  }
  if (e.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    return `the discovery document names a different issuer than ${issuer}; enter the issuer exactly as the provider states it.`;
  }
  const cause = (e.cause as { message?: string } | undefined)?.message;
  if (e.name === 'TypeError' && cause) return `${issuer} could not be reached (${cause}).`;
  return 'the discovery request failed.';
}

export const connectionTestSchema = z
  .object({
    ok: z.boolean(),
    problems: z.array(z.string()).describe('What is wrong, in words; empty when ok'),
    issuer: z.string().nullable().describe('The issuer the discovery document names'),
    authorizationEndpoint: z.string().nullable(),
  })
  .meta({ id: 'SsoConnectionTest' });
export type ConnectionTest = z.infer<typeof connectionTestSchema>;

/** "Test connection": discovery plus the things a sign-in will need, reported as sentences rather than thrown. */
export async function testProviderConnection(settings: ProviderSettings, scopes: string[]): Promise<ConnectionTest> {
  let configuration: oidc.Configuration;
  try {
    configuration = await discoverProvider(settings);
  } catch (error) {
    return { ok: false, problems: [(error as Error).message], issuer: null, authorizationEndpoint: null };
  }
  const metadata = configuration.serverMetadata();
  const problems: string[] = [];
  if (!metadata.authorization_endpoint) problems.push('The provider publishes no authorization endpoint.');
  if (!metadata.token_endpoint) problems.push('The provider publishes no token endpoint.');
  if (!metadata.jwks_uri) problems.push('The provider publishes no signing keys (jwks_uri), so its ID tokens cannot be checked.');
  const responseTypes = metadata.response_types_supported;
  if (responseTypes && !responseTypes.includes('code')) problems.push('The provider does not support the authorization code flow.');
  const methods = metadata.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) problems.push('The provider does not support PKCE with S256.');
  const supported = metadata.scopes_supported;
  const unknown = supported ? scopes.filter((s) => !supported.includes(s)) : [];
  if (unknown.length > 0) problems.push(`The provider does not list these scopes: ${unknown.join(', ')}.`);
  if (supported && !supported.includes('email')) problems.push('The provider does not offer the email scope; Foyer needs a verified email to link accounts.');
  return { ok: problems.length === 0, problems, issuer: metadata.issuer, authorizationEndpoint: metadata.authorization_endpoint ?? null };
}
