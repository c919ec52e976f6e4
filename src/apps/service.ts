import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { groups, groupsByIds } from '../accounts/index.js';
import { hashSecret, randomId, randomSecret } from '../platform/crypto.js';
import { preparedQuery, type Database } from '../platform/db.js';
import { FoyerError, fieldError, notFound } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { endDisallowedGrants, endGrants } from './lifecycle.js';
import { appAuthorizations, appGroups, apps, type AccessTokenFormat, type AppRow, type AppType, type SigningAlgorithm } from './schema.js';

export interface AppInput {
  name: string;
  type: AppType;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  backchannelLogoutUri?: string | null;
  launchUrl?: string | null;
  logoUrl?: string | null;
  requireConsent?: boolean;
  access: { everyone: boolean; groupIds: string[] };
  accessTokenFormat?: AccessTokenFormat;
  signingAlgorithm?: SigningAlgorithm;
}

export type AppChanges = Partial<Omit<AppInput, 'type'>>;

export interface AppDetail extends AppRow {
  groups: { id: string; name: string }[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Redirect and logout URIs are compared exactly by the engine, so they must be complete: absolute, no fragment,
 * and `https` unless the host is this machine's loopback (a developer's app, or a native app's local listener).
 */
export function uriProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.hash || value.includes('#')) return 'must not contain a fragment (#…)';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname) ? null : 'must use https unless the host is localhost or 127.0.0.1';
  return 'must use https (or http for localhost)';
}

function checkUris(field: string, values: readonly string[]): void {
  const fields: Record<string, string> = {};
  values.forEach((v, i) => {
    const problem = uriProblem(v);
    if (problem) fields[`${field}.${i}`] = problem;
  });
  if (Object.keys(fields).length > 0) {
    throw new FoyerError(400, 'validation_failed', 'Some addresses are not valid for signing in.', { details: { fields } });
  }
}

function checkInput(input: AppChanges): void {
  if (input.redirectUris) {
    if (input.redirectUris.length === 0) throw fieldError('redirectUris', 'validation_failed', 'An app needs at least one redirect URI.', 400);
    checkUris('redirectUris', input.redirectUris);
  }
  if (input.postLogoutRedirectUris) checkUris('postLogoutRedirectUris', input.postLogoutRedirectUris);
  for (const field of ['backchannelLogoutUri', 'launchUrl', 'logoUrl'] as const) {
    const value = input[field];
    if (value) checkUris(field, [value]);
  }
}

const appNotFound = () => notFound('The app');
const unique = (values: readonly string[]) => [...new Set(values)];

async function groupsOfApps(db: Database, appIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const byApp = new Map(appIds.map((id) => [id, [] as { id: string; name: string }[]]));
  if (appIds.length === 0) return byApp;
  const rows = await db
    .select({ appId: appGroups.appId, id: groups.id, name: groups.name })
    .from(appGroups)
    .innerJoin(groups, eq(groups.id, appGroups.groupId))
    .where(inArray(appGroups.appId, appIds))
    .orderBy(asc(sql`lower(${groups.name})`));
  for (const r of rows) byApp.get(r.appId)?.push({ id: r.id, name: r.name });
  return byApp;
}

export async function getApp(db: Database, id: string): Promise<AppDetail> {
  if (!isUuid(id)) throw appNotFound();
  const [row] = await db.select().from(apps).where(eq(apps.id, id));
  if (!row) throw appNotFound();
  return { ...row, groups: (await groupsOfApps(db, [id])).get(id) ?? [] };
}

// Read by the engine several times in every token request (the client, its access-token format): prepared once.
const appByClientId = preparedQuery('foyer_app_by_client_id', (db, name) =>
  db.select().from(apps).where(eq(apps.clientId, sql.placeholder('clientId'))).prepare(name),
);

export async function findAppByClientId(db: Database, clientId: string): Promise<AppRow | undefined> {
  const [row] = await appByClientId(db).execute({ clientId });
  return row;
}

export async function listApps(db: Database, page: { limit: number; after?: [string, string] }) {
  const rows = await db
    .select()
    .from(apps)
    .where(page.after ? sql`(lower(${apps.name}), ${apps.id}) > (${page.after[0]}, ${page.after[1]}::uuid)` : undefined)
    .orderBy(asc(sql`lower(${apps.name})`), asc(apps.id))
    .limit(page.limit + 1);
  const groupsById = await groupsOfApps(db, rows.map((r) => r.id));
  const used = rows.length
    ? await db
        .select({ appId: appAuthorizations.appId, last: sql<string | null>`max(${appAuthorizations.lastSignInAt})` })
        .from(appAuthorizations)
        .where(inArray(appAuthorizations.appId, rows.map((r) => r.id)))
        .groupBy(appAuthorizations.appId)
    : [];
  const lastUsed = new Map(used.map((u) => [u.appId, u.last ? new Date(u.last) : null]));
  return rows.map((r) => ({ ...r, groups: groupsById.get(r.id) ?? [], lastUsedAt: lastUsed.get(r.id) ?? null }));
}

async function setGroups(tx: Database, appId: string, groupIds: string[]): Promise<void> {
  await groupsByIds(tx, groupIds, 'access.groupIds');
  await tx.delete(appGroups).where(eq(appGroups.appId, appId));
  if (groupIds.length > 0) await tx.insert(appGroups).values(unique(groupIds).map((groupId) => ({ appId, groupId })));
}

/** A new app; its client secret (confidential apps) exists in plain text only in this reply. */
export async function createApp(db: Database, context: AuditContext, input: AppInput): Promise<{ app: AppDetail; clientSecret?: string }> {
  checkInput(input);
  const clientSecret = input.type === 'confidential' ? randomSecret() : undefined;
  const app = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apps)
      .values({
        name: input.name,
        clientId: randomId(),
        type: input.type,
        clientSecretHash: clientSecret ? hashSecret(clientSecret) : null,
        redirectUris: unique(input.redirectUris),
        postLogoutRedirectUris: unique(input.postLogoutRedirectUris ?? []),
        backchannelLogoutUri: input.backchannelLogoutUri ?? null,
        launchUrl: input.launchUrl ?? null,
        logoUrl: input.logoUrl ?? null,
        requireConsent: input.requireConsent ?? true,
        accessEveryone: input.access.everyone,
        accessTokenFormat: input.accessTokenFormat ?? 'opaque',
        signingAlgorithm: input.signingAlgorithm ?? 'ES256',
        createdAt: context.now,
        updatedAt: context.now,
      })
      .returning();
    await setGroups(tx, row!.id, input.access.groupIds);
    await recordAudit(tx, context, {
      action: 'app.created',
      targetType: 'app',
      targetId: row!.id,
      details: { name: input.name, type: input.type, access: input.access },
    });
    return row!;
  });
  return { app: await getApp(db, app.id), ...(clientSecret ? { clientSecret } : {}) };
}

/**
 * Edits an app. When its access narrows, the grants of everyone it no longer allows end in the same transaction,
 * so the change takes effect in the app at its very next token use.
 */
export async function updateApp(db: Database, context: AuditContext, id: string, changes: AppChanges): Promise<AppDetail> {
  checkInput(changes);
  await db.transaction(async (tx) => {
    if (!isUuid(id)) throw appNotFound();
    const [current] = await tx.select().from(apps).where(eq(apps.id, id)).for('update');
    if (!current) throw appNotFound();
    const set: Partial<AppRow> = { updatedAt: context.now };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.redirectUris !== undefined) set.redirectUris = unique(changes.redirectUris);
    if (changes.postLogoutRedirectUris !== undefined) set.postLogoutRedirectUris = unique(changes.postLogoutRedirectUris);
    if (changes.backchannelLogoutUri !== undefined) set.backchannelLogoutUri = changes.backchannelLogoutUri;
    if (changes.launchUrl !== undefined) set.launchUrl = changes.launchUrl;
    if (changes.logoUrl !== undefined) set.logoUrl = changes.logoUrl;
    if (changes.requireConsent !== undefined) set.requireConsent = changes.requireConsent;
    if (changes.accessTokenFormat !== undefined) set.accessTokenFormat = changes.accessTokenFormat;
    if (changes.signingAlgorithm !== undefined) set.signingAlgorithm = changes.signingAlgorithm;
    if (changes.access !== undefined) set.accessEveryone = changes.access.everyone;
    await tx.update(apps).set(set).where(eq(apps.id, id));
    if (changes.access !== undefined) {
      await setGroups(tx, id, changes.access.groupIds);
      await endDisallowedGrants(tx, context, { appId: id }, 'app_access_changed');
    }
    await recordAudit(tx, context, { action: 'app.updated', targetType: 'app', targetId: id, details: { changed: Object.keys(changes) } });
  });
  return getApp(db, id);
}

/** Deleting an app ends every grant it holds first, telling the app over its back-channel URI. */
export async function deleteApp(db: Database, context: AuditContext, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    if (!isUuid(id)) throw appNotFound();
    const [current] = await tx.select().from(apps).where(eq(apps.id, id)).for('update');
    if (!current) throw appNotFound();
    await endGrants(tx, context, { clientIds: [current.clientId] }, 'app_deleted');
    await tx.delete(apps).where(eq(apps.id, id));
    await recordAudit(tx, context, { action: 'app.deleted', targetType: 'app', targetId: id, details: { name: current.name, clientId: current.clientId } });
  });
}

/** A new secret for a confidential app; the old one stops working at once. */
export async function rotateSecret(db: Database, context: AuditContext, id: string): Promise<string> {
  const app = await getApp(db, id);
  if (app.type !== 'confidential') {
    throw new FoyerError(409, 'app_is_public', 'A public app has no client secret: it proves itself with PKCE instead.');
  }
  const clientSecret = randomSecret();
  await db.transaction(async (tx) => {
    await tx.update(apps).set({ clientSecretHash: hashSecret(clientSecret), updatedAt: context.now }).where(eq(apps.id, id));
    await recordAudit(tx, context, { action: 'app.secret_rotated', targetType: 'app', targetId: id });
  });
  return clientSecret;
}

/** The person withdraws consent: the app's grants for them end and the app must ask again next time. */
export async function withdrawConsent(db: Database, context: AuditContext, userId: string, appId: string): Promise<void> {
  if (!isUuid(appId)) throw appNotFound();
  await db.transaction(async (tx) => {
    const [app] = await tx.select({ id: apps.id, clientId: apps.clientId }).from(apps).where(eq(apps.id, appId));
    if (!app) throw appNotFound();
    const [withdrawn] = await tx
      .update(appAuthorizations)
      .set({ consentedAt: null, consentedScopes: [] })
      .where(and(eq(appAuthorizations.appId, appId), eq(appAuthorizations.userId, userId), isNotNull(appAuthorizations.consentedAt)))
      .returning({ appId: appAuthorizations.appId });
    const ended = await endGrants(tx, context, { userIds: [userId], clientIds: [app.clientId] }, 'consent_withdrawn');
    if (!withdrawn && ended === 0) throw new FoyerError(404, 'not_found', 'You have not authorised this app.');
    await recordAudit(tx, context, { action: 'app.consent_withdrawn', targetType: 'app', targetId: appId, details: { userId } });
  });
}

export interface AuthorizedApp {
  id: string;
  name: string;
  logoUrl: string | null;
  launchUrl: string | null;
  scopes: string[];
  consentedAt: Date;
  lastSignInAt: Date | null;
}

/** The apps this person has allowed and not withdrawn, newest consent first, whether or not they may still open them. */
export async function authorizedApps(db: Database, userId: string): Promise<AuthorizedApp[]> {
  const rows = await db
    .select({
      id: apps.id,
      name: apps.name,
      logoUrl: apps.logoUrl,
      launchUrl: apps.launchUrl,
      scopes: appAuthorizations.consentedScopes,
      consentedAt: appAuthorizations.consentedAt,
      lastSignInAt: appAuthorizations.lastSignInAt,
    })
    .from(appAuthorizations)
    .innerJoin(apps, eq(apps.id, appAuthorizations.appId))
    .where(and(eq(appAuthorizations.userId, userId), isNotNull(appAuthorizations.consentedAt)))
    .orderBy(desc(appAuthorizations.consentedAt), asc(apps.id));
  return rows.map((r) => ({ ...r, consentedAt: r.consentedAt! }));
}

/** Records a consent (the scopes it covers) given on the consent page. */
export async function recordConsent(db: Database, context: AuditContext, input: { appId: string; userId: string; scopes: string[] }) {
  await db.transaction(async (tx) => {
    await tx
      .insert(appAuthorizations)
      .values({ appId: input.appId, userId: input.userId, consentedAt: context.now, consentedScopes: input.scopes })
      .onConflictDoUpdate({
        target: [appAuthorizations.appId, appAuthorizations.userId],
        set: { consentedAt: context.now, consentedScopes: input.scopes },
      });
    await recordAudit(tx, context, {
      action: 'app.consent_given',
      targetType: 'app',
      targetId: input.appId,
      details: { userId: input.userId, scopes: input.scopes },
    });
  });
}

export async function consentCovers(db: Database, appId: string, userId: string, scopes: string[]): Promise<boolean> {
  const [row] = await db
    .select({ consentedAt: appAuthorizations.consentedAt, scopes: appAuthorizations.consentedScopes })
    .from(appAuthorizations)
    .where(and(eq(appAuthorizations.appId, appId), eq(appAuthorizations.userId, userId)));
  return Boolean(row?.consentedAt) && scopes.every((s) => row!.scopes.includes(s));
}

/** A code was issued: the person signed in to the app. */
export async function recordSignIn(db: Database, context: AuditContext, input: { appId: string; userId: string }) {
  await db.transaction(async (tx) => {
    await tx
      .insert(appAuthorizations)
      .values({ appId: input.appId, userId: input.userId, lastSignInAt: context.now })
      .onConflictDoUpdate({ target: [appAuthorizations.appId, appAuthorizations.userId], set: { lastSignInAt: context.now } });
    await recordAudit(tx, context, { action: 'app.sign_in', targetType: 'app', targetId: input.appId, details: { userId: input.userId } });
  });
}
