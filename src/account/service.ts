import { updateProfile, type Actor } from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import type { Database } from '../platform/db.js';

/** A person changes their own display name; the change is theirs, so it is audited as such. */
export async function renameOwnAccount(db: Database, context: AuditContext, actor: Actor, name: string): Promise<void> {
  await db.transaction(async (tx) => {
    await updateProfile(tx, actor.user.id, { name }, context.now);
    await recordAudit(tx, context, {
      action: 'user.profile_updated',
      targetType: 'user',
      targetId: actor.user.id,
      details: { name: { from: actor.user.name, to: name } },
    });
  });
}
