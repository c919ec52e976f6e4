import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { authorize, endAccess, eraseWaitingAccount, type Actor } from '../accounts/index.js';
import type { Config } from '../platform/config.js';
import { isUniqueViolation, type Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { accessRequests } from './schema.js';
import { accessRequestNotFound, loadAccessRequest, type AccessRequestView, type DecisionResult } from './service.js';

/**
 * Declining soft-deletes a pending request and tells the requester nothing: silence is deliberate (seed 002). The
 * person is never stranded: an account that exists only to wait for this decision (an SSO registration or join
 * request, still awaiting approval) is deleted with it and releases its SSO link, so they can ask again. A request
 * whose person got an account another way is cleared and that account is left alone. An approved request is a
 * decision already taken: declining it answers `failed` / `already_approved`, and the account keeps its access
 * (disable or revoke it under Users to take that away).
 */
export async function declineAccessRequests(
  db: Database,
  config: Config,
  context: () => AuditContext,
  actor: Actor,
  ids: string[],
): Promise<DecisionResult<'declined' | 'failed'>[]> {
  authorize(actor, 'access_requests.approve');
  const results: DecisionResult<'declined' | 'failed'>[] = [];
  for (const id of [...new Set(ids)]) {
    const at = context();
    const declined = await db.transaction(async (tx) => {
      if (!isUuid(id)) return 'not_found';
      const [row] = await tx
        .update(accessRequests)
        .set({ deletedAt: at.now, deletedBy: at.actorId })
        .where(and(eq(accessRequests.id, id), isNull(accessRequests.deletedAt), eq(accessRequests.status, 'pending')))
        .returning({ email: accessRequests.email, status: accessRequests.status, userId: accessRequests.userId, source: accessRequests.source });
      if (!row) {
        const [approved] = await tx
          .select({ id: accessRequests.id })
          .from(accessRequests)
          .where(and(eq(accessRequests.id, id), isNull(accessRequests.deletedAt), eq(accessRequests.status, 'approved')));
        return approved ? 'already_approved' : 'not_found';
      }
      const releasedAccount = row.source === 'sso' && row.userId ? await deleteWaitingAccount(tx, config, at, row.userId, id) : false;
      await recordAudit(tx, at, {
        action: 'access_request.declined',
        targetType: 'access_request',
        targetId: id,
        details: { email: row.email, status: row.status, ...(releasedAccount ? { deletedAccount: row.userId } : {}) },
      });
      return 'declined';
    });
    results.push(declined === 'declined' ? { id, outcome: 'declined' } : { id, outcome: 'failed', reason: declined });
  }
  return results;
}

/**
 * The account an SSO registration made to wait for approval, deleted because the request was declined (only while it
 * still waits: an account that was ever let in is not this decision's to remove). It gives up its email and its SSO
 * link, so the person's next SSO sign-in or join request starts afresh.
 */
async function deleteWaitingAccount(tx: Database, config: Config, context: AuditContext, userId: string, requestId: string): Promise<boolean> {
  if (!(await eraseWaitingAccount(tx, userId, context.now))) return false;
  // As any deletion: whatever the account holds ends, its SSO link included (the holder in src/sso/accounts.ts).
  await endAccess(tx, { userId, cause: 'deleted', now: context.now, config });
  await recordAudit(tx, context, {
    action: 'user.deleted',
    targetType: 'user',
    targetId: userId,
    details: { erased: ['name', 'email', 'username'], reason: 'access_request_declined', accessRequestId: requestId },
  });
  return true;
}

/** Brings a declined request back to the live list, unless the same email has asked again since. */
export async function restoreAccessRequest(db: Database, context: AuditContext, actor: Actor, id: string): Promise<AccessRequestView> {
  authorize(actor, 'access_requests.restore');
  if (!isUuid(id)) throw accessRequestNotFound();
  try {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(accessRequests)
        .set({ deletedAt: null, deletedBy: null })
        .where(and(eq(accessRequests.id, id), isNotNull(accessRequests.deletedAt)))
        .returning({ email: accessRequests.email });
      if (!row) throw accessRequestNotFound();
      await recordAudit(tx, context, { action: 'access_request.restored', targetType: 'access_request', targetId: id, details: { email: row.email } });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'access_requests_email_key_live_key')) {
      throw new FoyerError(409, 'access_request_exists', 'This email has a newer access request. Decide on that one instead.');
    }
    throw error;
  }
  return loadAccessRequest(db, id, true);
}
