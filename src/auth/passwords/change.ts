import { and, eq, ne, sql } from 'drizzle-orm';
import { credentialSaved } from '../credentials.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Database } from '../../platform/db.js';
import { fieldError } from '../../platform/errors.js';
import { setPasswordHash, users, type Actor } from '../../accounts/index.js';
import { requireRecentSignIn } from '../recent-sign-in.js';
import { sessions } from '../sessions/schema.js';
import { guardAttempt, recordFailedAttempt, recordSuccessfulAttempt } from '../throttling/service.js';
import { hashPassword, verifyPassword, type PasswordVerifier } from './hashing.js';
import { assertPasswordAllowed } from './policy.js';
import { assertPasswordsEnabled, readPasswordSettings } from './settings.js';

/**
 * Changes your own password. The session must be fresh (ASVS 7.5.1) and, when the account has a password, the
 * current one must be given: a borrowed unlocked laptop is not enough. Guessing the current password counts against
 * the same throttle as signing in. An account that has none yet (passkey only) sets its first one.
 * Other sessions stay: the reply says how many, so the console can offer to end them.
 */
export async function changeOwnPassword(
  db: Database,
  context: AuditContext,
  actor: Actor,
  input: { currentPassword?: string; newPassword: string },
  verify: PasswordVerifier = verifyPassword,
): Promise<{ otherSessionCount: number }> {
  await assertPasswordsEnabled(db);
  requireRecentSignIn(actor, context.now);
  assertPasswordAllowed(input.newPassword, 'newPassword');

  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.user.id));
  const attempt = { accountKey: actor.user.id, ip: context.ip, method: 'password', now: context.now };
  if (row?.passwordHash) {
    await guardAttempt(db, attempt);
    if (!(await verify(row.passwordHash, input.currentPassword ?? ''))) {
      await db.transaction(async (tx) => {
        await recordFailedAttempt(tx, context, { ...attempt, userId: actor.user.id });
        await recordAudit(tx, context, { action: 'auth.password.change_failed', targetType: 'user', targetId: actor.user.id });
      });
      throw fieldError('currentPassword', 'current_password_incorrect', 'Your current password is not correct.', 400);
    }
  }

  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(async (tx) => {
    await setPasswordHash(tx, actor.user.id, passwordHash, context.now);
    if (row?.passwordHash) await recordSuccessfulAttempt(tx, attempt);
    await recordAudit(tx, context, {
      action: 'auth.password.changed',
      targetType: 'user',
      targetId: actor.user.id,
      details: { hadPassword: Boolean(row?.passwordHash) },
    });
    await credentialSaved(tx, { userId: actor.user.id, kind: 'password', context });
    const [others] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(sessions)
      .where(and(eq(sessions.userId, actor.user.id), actor.sessionId ? ne(sessions.id, actor.sessionId) : undefined));
    return { otherSessionCount: others?.count ?? 0 };
  });
}

export async function ownPasswordStatus(db: Database, userId: string): Promise<{ hasPassword: boolean; passwordsEnabled: boolean }> {
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  return { hasPassword: Boolean(row?.passwordHash), passwordsEnabled: (await readPasswordSettings(db)).enabled };
}
