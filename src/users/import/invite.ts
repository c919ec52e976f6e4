import type { AuditContext } from '../../audit/index.js';
import type { Actor } from '../../accounts/index.js';
import { inviteUser } from '../../invitations/index.js';
import { wakeMailWorkers } from '../../mail/index.js';
import type { Config } from '../../platform/config.js';
import { isUniqueViolation, type Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import type { Candidate, Grant, RowResult } from './rows.js';

/**
 * Creates each person of a batch through an invitation instead of the batch insert: the invitations feature makes
 * the account (Pending Setup, with the row's roles and groups), records the invitation and queues its mail in the
 * durable outbox, naming the inviter and the organisation, all in one transaction per person. Slower than the batch
 * insert, which is why it is only taken when the administrator asks for invitations.
 *
 * Someone who got an account between the batch's check and their own transaction is skipped, like any existing row.
 */
export async function inviteBatch(
  db: Database,
  context: AuditContext,
  actor: Actor,
  config: Config,
  ready: (Candidate & Grant)[],
): Promise<RowResult[]> {
  const results: RowResult[] = [];
  for (const r of ready) {
    try {
      const invited = await db.transaction((tx) =>
        inviteUser(tx, context, { config }, {
          name: r.name,
          email: r.email,
          username: r.username,
          roleIds: r.roleIds,
          groupIds: r.groupIds,
          sendEmail: true,
          actor,
        }),
      );
      results.push({
        row: r.row,
        outcome: 'created',
        email: r.email,
        userId: invited.userId,
        invitation: invited.mail === 'blocked' ? 'blocked' : 'queued',
        ...(invited.mailReason ? { reason: invited.mailReason } : {}),
      });
    } catch (error) {
      const taken = error instanceof FoyerError && (error.code === 'email_taken' || error.code === 'username_taken');
      if (!taken && !isUniqueViolation(error)) throw error;
      results.push({
        row: r.row,
        outcome: 'skipped',
        email: r.email,
        code: error instanceof FoyerError && error.code === 'username_taken' ? 'username_taken' : 'email_taken',
        reason: 'An account with this email or username was created while the import ran.',
      });
    }
  }
  if (results.some((r) => r.invitation === 'queued')) wakeMailWorkers();
  return results;
}
