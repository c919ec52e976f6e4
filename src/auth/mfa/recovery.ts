import { authorizeManaging, lockAccount, type Actor } from '../../accounts/index.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { otherSessionCount } from './enrolment.js';
import { issueAdminRecoveryCode, regenerateRecoveryCodes } from './recovery-codes.js';

/** Ten new recovery codes for yourself, shown once; the previous set stops working. */
export async function generateOwnRecoveryCodes(
  db: Database,
  context: AuditContext,
  actor: Actor,
): Promise<{ recoveryCodes: string[]; otherSessionCount: number }> {
  const recoveryCodes = await db.transaction(async (tx) => {
    const codes = await regenerateRecoveryCodes(tx, actor.user.id, context.now);
    await recordAudit(tx, context, { action: 'mfa.recovery_codes_generated', targetType: 'user', targetId: actor.user.id });
    return codes;
  });
  return { recoveryCodes, otherSessionCount: await otherSessionCount(db, actor.user.id, actor.sessionId) };
}

/**
 * An administrator's one-time code for someone who lost their second factor. Never to oneself (that would skip the
 * second factor on one's own say-so), and only for an account whose permissions the administrator holds.
 */
export async function issueRecoveryCodeTo(
  db: Database,
  context: AuditContext,
  actor: Actor,
  userId: string,
): Promise<{ code: string; expiresAt: Date }> {
  return db.transaction(async (tx) => {
    const target = await lockAccount(tx, userId);
    if (target.row.id === actor.user.id) {
      throw new FoyerError(409, 'self_action_refused', 'You cannot issue a recovery code to yourself. Ask another administrator.');
    }
    authorizeManaging(actor, target);
    const result = await issueAdminRecoveryCode(tx, { userId, issuedBy: actor.user.id, now: context.now });
    await recordAudit(tx, context, {
      action: 'mfa.recovery_code_issued',
      targetType: 'user',
      targetId: userId,
      details: { expiresAt: result.expiresAt.toISOString() },
    });
    return result;
  });
}
