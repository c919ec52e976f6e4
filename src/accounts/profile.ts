import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { actorUserColumns } from './actor.js';
import { assertIdentityFree, identityClash } from './identity.js';
import { users, type UserRow } from './schema.js';

/**
 * The writes that keep a person's account up to date: what it is called, how it signs in, what was proven about
 * it. The caller decides who may and records why; each runs in the caller's transaction.
 */

export type ProfileChanges = Partial<Pick<UserRow, 'name' | 'email' | 'username' | 'emailVerifiedAt'>>;

/**
 * Saves an edited profile (already trimmed), refusing an email or username another account uses with the field's
 * error. With no changes it only marks the account as updated, for a change made elsewhere (its roles, its groups).
 */
export async function updateProfile(db: Database, userId: string, changes: ProfileChanges, now: Date): Promise<void> {
  await assertIdentityFree(db, { email: changes.email, username: changes.username }, userId);
  try {
    await db.update(users).set({ ...changes, updatedAt: now }).where(eq(users.id, userId));
  } catch (error) {
    throw identityClash(error);
  }
}

/** A password hashed by the caller before its transaction (argon2 never runs while rows are locked); null takes it away. */
export async function setPasswordHash(db: Database, userId: string, passwordHash: string | null, now: Date): Promise<void> {
  await db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId));
}

/**
 * The address is proven now (a mailed code was entered). `keepEarlier`: an address proven before keeps the time it
 * was first proven (a provider or an invitation confirming it again).
 */
export async function markEmailVerified(db: Database, userId: string, now: Date, options: { keepEarlier?: boolean } = {}): Promise<void> {
  const emailVerifiedAt = options.keepEarlier ? sql`coalesce(${users.emailVerifiedAt}, ${now})` : now;
  await db.update(users).set({ emailVerifiedAt, updatedAt: now }).where(eq(users.id, userId));
}

/**
 * A link mailed to the account was followed (a set-password or invitation link): that proves the address and, with
 * `passwordHash`, sets the password chosen with it. `sentTo` is the address the link went to: if the account's email
 * changed since, nothing is proven. Answers the undeleted account, or undefined when there is none to prove.
 */
export async function confirmEmailThroughLink(
  db: Database,
  link: { userId: string; sentTo?: string },
  now: Date,
  passwordHash?: string,
): Promise<Pick<UserRow, 'id' | 'status' | 'email' | 'username'> | undefined> {
  const [user] = await db
    .update(users)
    .set({ emailVerifiedAt: now, updatedAt: now, ...(passwordHash ? { passwordHash } : {}) })
    .where(
      and(
        eq(users.id, link.userId),
        link.sentTo === undefined ? undefined : sql`lower(${users.email}) = lower(${link.sentTo})`,
        isNull(users.deletedAt),
      ),
    )
    .returning({ id: users.id, status: users.status, email: users.email, username: users.username });
  return user;
}

/** Stamps a sign-in and answers the account as it left it, with everything the `Me` view shows, in one statement. */
export async function recordSignIn(db: Database, userId: string, now: Date, catalogueStamp: string | null) {
  const [row] = await db.update(users).set({ lastLoginAt: now }).where(eq(users.id, userId)).returning(actorUserColumns(catalogueStamp));
  return row;
}
