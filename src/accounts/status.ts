import { and, eq, inArray, isNull, type SQLWrapper } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { users, type UserRow, type UserStatus } from './schema.js';
import { DELETED_USER_NAME, tombstoneOf } from './tombstone.js';

/**
 * The writes that move an account through its life: enabled, disabled, awaiting approval, revoked, deleted. The
 * caller locks the account (`lockAccount`), decides, ends its access (`endAccess`) and records why, in one
 * transaction; these only change the row.
 */

export async function setAccountStatus(db: Database, userId: string, status: UserStatus, now: Date): Promise<void> {
  await db.update(users).set({ status, updatedAt: now }).where(eq(users.id, userId));
}

/** Revoked for good: the account gives up its email and username (answered, for the audit event) so the person can join again. */
export async function revokeAccount(db: Database, userId: string, now: Date): Promise<{ email: string; username: string }> {
  const tombstone = tombstoneOf('revoked', userId);
  await db
    .update(users)
    .set({ status: 'revoked', ...tombstone, updatedAt: now })
    .where(eq(users.id, userId));
  return tombstone;
}

/** What deleting takes from an account: its personal data and its credentials. The row stays, so history resolves. */
const erased = (userId: string, now: Date) => ({
  name: DELETED_USER_NAME,
  ...tombstoneOf('deleted', userId),
  passwordHash: null,
  emailVerifiedAt: null,
  deletedAt: now,
  updatedAt: now,
});

/** Deletes an account the caller locked and may delete. */
export async function eraseAccount(db: Database, account: Pick<UserRow, 'id' | 'status'>, now: Date): Promise<void> {
  await db
    .update(users)
    .set({
      ...erased(account.id, now),
      // Deleted accounts are never active, so every check that reads the status refuses them too.
      status: account.status === 'active' ? 'disabled' : account.status,
    })
    .where(eq(users.id, account.id));
}

/**
 * Deletes an account that exists only to wait for approval, and only while it still waits: an account that was ever
 * let in is not this decision's to remove. Answers whether it was deleted.
 */
export async function eraseWaitingAccount(db: Database, userId: string, now: Date): Promise<boolean> {
  const [deleted] = await db
    .update(users)
    .set(erased(userId, now))
    .where(and(eq(users.id, userId), eq(users.status, 'pending_approval'), isNull(users.deletedAt)))
    .returning({ id: users.id });
  return deleted !== undefined;
}

/**
 * Removes half-made accounts outright (a sign-up that never saved its first credential): they hold no credential
 * and were given nothing. `userIds` is a query of their ids; answers how many went.
 */
export async function removeHalfMadeAccounts(db: Database, userIds: SQLWrapper): Promise<number> {
  const removed = await db.delete(users).where(inArray(users.id, userIds)).returning({ id: users.id });
  return removed.length;
}
