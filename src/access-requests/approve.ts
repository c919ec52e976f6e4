import { and, eq, isNull } from 'drizzle-orm';
import {
  assignGroups,
  assignRoles,
  authorize,
  authorizeGrants,
  groupsOfUsers,
  rolesOfUsers,
  type Actor,
} from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { inviteUser } from '../invitations/index.js';
import { enqueueMail } from '../mail/index.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { isEmailDomainAllowed } from '../settings/index.js';
import { accessRequests, type AccessRequestRow } from './schema.js';
import {
  accessRequestNotFound,
  activateAccount,
  lockAccountOfRequest,
  type AccessRequestDeps,
  type DecisionResult,
} from './service.js';

export const APPROVAL_OUTCOMES = ['created_and_invited', 'existing_account_approved', 'blocked_domain', 'failed'] as const;
export type ApprovalOutcome = (typeof APPROVAL_OUTCOMES)[number];


export interface ApprovalHooks {
  /** Runs inside a request's transaction after all its work, before the commit: tests use it to crash mid-batch. */
  beforeCommit?: (requestId: string) => Promise<void> | void;
  /** Something unexpected failed one request; the batch goes on. */
  onUnexpectedError?: (error: unknown, requestId: string) => void;
}

class Blocked extends Error {}

/** Which requests to approve, and the roles and groups each approved person gets. */
export interface ApprovalDecision {
  ids: string[];
  roleIds?: string[];
  groupIds?: string[];
}

type Grant = { roleIds: string[]; groupIds: string[] };

/**
 * Approves each request in its own transaction, so one failure never undoes or holds up the others, and a crash
 * leaves each request either fully approved (account, roles and groups, queued mail, audit event) or untouched.
 * Every id gets exactly one result. The roles and groups are checked once before any request is touched: an unknown
 * one is a 400 naming `roleIds` / `groupIds`, one carrying permissions the actor lacks a 403, and nothing changes.
 */
export async function approveAccessRequests(
  db: Database,
  context: () => AuditContext,
  deps: AccessRequestDeps,
  actor: Actor,
  decision: ApprovalDecision,
  hooks: ApprovalHooks = {},
): Promise<DecisionResult<ApprovalOutcome>[]> {
  authorize(actor, 'users.create');
  authorize(actor, 'access_requests.approve');
  const grant = { roleIds: [...new Set(decision.roleIds ?? [])], groupIds: [...new Set(decision.groupIds ?? [])] };
  await authorizeGrants(db, actor, grant.roleIds, grant.groupIds);
  const results: DecisionResult<ApprovalOutcome>[] = [];
  for (const id of [...new Set(decision.ids)]) {
    try {
      const outcome = await db.transaction(async (tx) => {
        const result = await approveOne(tx, context(), deps, actor, id, grant);
        await hooks.beforeCommit?.(id);
        return result;
      });
      results.push({ id, outcome });
    } catch (error) {
      if (error instanceof Blocked) {
        results.push({ id, outcome: 'blocked_domain', reason: 'email_domain_not_allowed' });
      } else if (error instanceof FoyerError) {
        results.push({ id, outcome: 'failed', reason: error.code });
      } else {
        hooks.onUnexpectedError?.(error, id);
        results.push({ id, outcome: 'failed', reason: 'internal_error' });
      }
    }
  }
  return results;
}

async function lockLiveRequest(tx: Database, id: string): Promise<AccessRequestRow> {
  if (!isUuid(id)) throw accessRequestNotFound();
  const [row] = await tx
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.id, id), isNull(accessRequests.deletedAt)))
    .for('update');
  if (!row) throw accessRequestNotFound();
  return row;
}

/**
 * An existing account keeps what it holds and gains the granted roles and groups, through the accounts core's one
 * assignment path (which records `user.roles_changed` / `user.groups_changed` when something changes).
 */
async function grantToExisting(tx: Database, context: AuditContext, deps: AccessRequestDeps, actor: Actor, userId: string, grant: Grant) {
  const assignment = { audit: context, config: deps.config };
  if (grant.roleIds.length > 0) {
    const held = (await rolesOfUsers(tx, [userId])).get(userId) ?? [];
    await assignRoles(tx, assignment, actor, userId, [...held.map((r) => r.id), ...grant.roleIds]);
  }
  if (grant.groupIds.length > 0) {
    const held = (await groupsOfUsers(tx, [userId])).get(userId) ?? [];
    await assignGroups(tx, assignment, actor, userId, [...held.map((g) => g.id), ...grant.groupIds]);
  }
}

async function approveOne(
  tx: Database,
  context: AuditContext,
  deps: AccessRequestDeps,
  actor: Actor,
  id: string,
  grant: Grant,
): Promise<ApprovalOutcome> {
  const request = await lockLiveRequest(tx, id);
  if (request.status === 'approved') {
    throw new FoyerError(409, 'already_approved', 'This access request was already approved.');
  }
  if (!(await isEmailDomainAllowed(tx, request.email))) throw new Blocked();

  const account = await lockAccountOfRequest(tx, request);

  let outcome: ApprovalOutcome;
  let userId: string;
  if (account) {
    if (account.status === 'disabled' || account.status === 'revoked') {
      throw new FoyerError(409, 'account_disabled', 'An account with this email exists and is disabled. Enable it from Users instead.');
    }
    if (account.status === 'pending_approval') {
      await activateAccount(tx, account.id, context.now);
      await recordAudit(tx, context, {
        action: 'user.approved',
        targetType: 'user',
        targetId: account.id,
        details: { status: { from: 'pending_approval', to: 'active' }, accessRequestId: id },
      });
    }
    await grantToExisting(tx, context, deps, actor, account.id, grant);
    await enqueueMail(tx, deps.config, { to: account.email, template: 'account_approved', data: { name: account.name } });
    outcome = 'existing_account_approved';
    userId = account.id;
  } else {
    const invited = await inviteUser(tx, context, deps, {
      name: request.name,
      email: request.email,
      roleIds: grant.roleIds,
      groupIds: grant.groupIds,
      sendEmail: true,
      actor,
      approvedRequest: true,
    });
    if (invited.mail === 'blocked') throw new Blocked();
    outcome = 'created_and_invited';
    userId = invited.userId;
  }

  await tx
    .update(accessRequests)
    .set({ status: 'approved', decidedAt: context.now, decidedBy: context.actorId, userId })
    .where(eq(accessRequests.id, id));
  await recordAudit(tx, context, {
    action: 'access_request.approved',
    targetType: 'access_request',
    targetId: id,
    details: { email: request.email, outcome, userId, ...(grant.roleIds.length ? { roleIds: grant.roleIds } : {}), ...(grant.groupIds.length ? { groupIds: grant.groupIds } : {}) },
  });
  return outcome;
}
