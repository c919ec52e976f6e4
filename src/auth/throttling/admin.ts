import { and, eq, isNull } from 'drizzle-orm';
import { userNotFound, users } from '../../accounts/index.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Database } from '../../platform/db.js';
import { isUuid } from '../../platform/ids.js';
import { clearAccountThrottles, signInLocksOf } from './service.js';

async function findUser(db: Database, userId: string) {
  if (!isUuid(userId)) throw userNotFound();
  const [user] = await db
    .select({ id: users.id, email: users.email, username: users.username })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw userNotFound();
  return user;
}

/** The sign-in methods locked for this person after too many failures. */
export async function userSignInLocks(db: Database, userId: string) {
  return signInLocksOf(db, await findUser(db, userId));
}

/**
 * An administrator lifts the lock (and the delays) on every way this person signs in, having made sure the person
 * asking is who they say. Audited even when nothing was locked, so the log shows who vouched for whom.
 */
export async function unlockUserSignIn(db: Database, context: AuditContext, userId: string): Promise<{ unlockedMethods: string[] }> {
  return db.transaction(async (tx) => {
    const user = await findUser(tx, userId);
    const unlockedMethods = await clearAccountThrottles(tx, user);
    await recordAudit(tx, context, { action: 'auth.sign_in.unlocked', targetType: 'user', targetId: user.id, details: { methods: unlockedMethods, via: 'administrator' } });
    return { unlockedMethods };
  });
}
