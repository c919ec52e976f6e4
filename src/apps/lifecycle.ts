import { and, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import { onMembershipChange, registerAccessHolder, type AccessEndCause } from '../accounts/index.js';
import { recordAudit, systemContext, type AuditContext } from '../audit/index.js';
import type { Database } from '../platform/db.js';
import { appAllowsUser, rowsOf } from './access.js';
import { appLogoutDeliveries, apps, oidcModels } from './schema.js';

/** Why an app's tokens for someone ended: every way a person loses access, plus the app-side ones. */
export type GrantEndCause = AccessEndCause | 'removed_from_group' | 'app_access_changed' | 'app_deleted' | 'consent_withdrawn';

/**
 * Everything the engine stores that lets a person into an app: the grant and every code and token issued from it.
 * Deleting them is what makes a refresh answer `invalid_grant`, introspection `active: false` and userinfo 401.
 */
const GRANT_KINDS = ['Grant', 'AuthorizationCode', 'AccessToken', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest'];

interface Scope {
  userIds?: readonly string[];
  clientIds?: readonly string[];
}

/**
 * Ends the grants in `scope` inside the caller's transaction, queues a back-channel logout notice for each app
 * that has a URI and held something for the person, and records `app.tokens_revoked` with the cause. When a person
 * loses all access (`endSessions`), their engine sessions go too, so no app sign-in can ride on one.
 */
export async function endGrants(
  tx: Database,
  context: AuditContext,
  scope: Scope,
  cause: GrantEndCause,
  options: { endSessions?: boolean } = {},
): Promise<number> {
  const conditions: SQL[] = [isNotNull(oidcModels.accountId)];
  if (scope.userIds) {
    if (scope.userIds.length === 0) return 0;
    conditions.push(inArray(oidcModels.accountId, [...scope.userIds]));
  }
  if (scope.clientIds) {
    if (scope.clientIds.length === 0) return 0;
    conditions.push(inArray(oidcModels.clientId, [...scope.clientIds]));
  }
  const kinds = options.endSessions ? [...GRANT_KINDS, 'Session', 'Interaction'] : GRANT_KINDS;
  const ended = await tx
    .delete(oidcModels)
    .where(and(inArray(oidcModels.kind, kinds), ...conditions))
    .returning({ kind: oidcModels.kind, accountId: oidcModels.accountId, clientId: oidcModels.clientId });
  const held = new Map<string, { userId: string; clientId: string }>();
  for (const row of ended) {
    if (row.kind === 'Session' || row.kind === 'Interaction' || !row.accountId || !row.clientId) continue;
    held.set(`${row.clientId} ${row.accountId}`, { userId: row.accountId, clientId: row.clientId });
  }
  if (held.size === 0) return 0;
  const pairs = [...held.values()];
  const clientIds = [...new Set(pairs.map((p) => p.clientId))];
  const affected = await tx
    .select({ id: apps.id, clientId: apps.clientId, backchannelLogoutUri: apps.backchannelLogoutUri })
    .from(apps)
    .where(inArray(apps.clientId, clientIds));
  const byClient = new Map(affected.map((a) => [a.clientId, a]));
  const notices = pairs.flatMap((p) => {
    const uri = byClient.get(p.clientId)?.backchannelLogoutUri;
    return uri ? [{ clientId: p.clientId, uri, userId: p.userId, status: 'queued' as const, nextAttemptAt: context.now, createdAt: context.now }] : [];
  });
  if (notices.length > 0) await tx.insert(appLogoutDeliveries).values(notices);
  for (const app of affected) {
    const userIds = pairs.filter((p) => p.clientId === app.clientId).map((p) => p.userId);
    await recordAudit(tx, context, {
      action: 'app.tokens_revoked',
      targetType: 'app',
      targetId: app.id,
      details: { cause, userIds: userIds.slice(0, 100), people: userIds.length },
    });
  }
  return held.size;
}

/** The (person, app) pairs holding a grant the access rule no longer allows, among these people or apps. */
async function disallowedPairs(tx: Database, scope: { userIds?: readonly string[]; appId?: string }) {
  const filters: SQL[] = [sql`m.kind = 'Grant'`];
  if (scope.userIds) filters.push(inArray(sql`m.account_id`, [...scope.userIds]));
  if (scope.appId) filters.push(sql`a.id = ${scope.appId}::uuid`);
  return rowsOf<{ account_id: string; client_id: string }>(tx.execute(sql`
    select distinct m.account_id, m.client_id from oidc_models m join apps a on a.client_id = m.client_id
    where ${and(...filters)} and not ${appAllowsUser(sql`m.account_id`)}`));
}

/** Ends every grant among these people (or of this app) that the access rule no longer allows. */
export async function endDisallowedGrants(
  tx: Database,
  context: AuditContext,
  scope: { userIds?: readonly string[]; appId?: string },
  cause: GrantEndCause,
): Promise<number> {
  if (scope.userIds?.length === 0) return 0;
  const pairs = await disallowedPairs(tx, scope);
  let ended = 0;
  for (const clientId of new Set(pairs.map((p) => p.client_id))) {
    const userIds = pairs.filter((p) => p.client_id === clientId).map((p) => p.account_id);
    ended += await endGrants(tx, context, { userIds, clientIds: [clientId] }, cause);
  }
  return ended;
}

registerAccessHolder({
  name: 'apps',
  end: (tx, { userId, cause, now }) => endGrants(tx, systemContext(now), { userIds: [userId] }, cause, { endSessions: true }),
});

onMembershipChange('apps', (tx, { userIds, now }) =>
  endDisallowedGrants(tx, systemContext(now), { userIds }, 'removed_from_group').then(() => undefined),
);
