import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { users, type UserRow } from './schema.js';
import { userPermissions, type Grantor } from './permissions.js';

export const userNotFound = () => notFound('The user');

export interface LockedAccount {
  row: UserRow;
  /** Everything the account may do now, directly and through its groups. */
  permissions: string[];
}

/**
 * Reads an undeleted account and locks its row until the transaction ends, so concurrent changes to the same person
 * (their status, roles, groups) take turns and each one decides on what the other left behind.
 */
export async function lockAccount(tx: Database, userId: string): Promise<LockedAccount> {
  if (!isUuid(userId)) throw userNotFound();
  const [found] = await tx
    .select({ row: users, permissions: userPermissions })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .for('update', { of: users });
  if (!found) throw userNotFound();
  return found;
}

/**
 * Changing someone's email, status, sessions or sign-in methods is a way into their account, so nobody may act on an
 * account that holds permissions they do not hold themselves: that would be privilege escalation by taking it over.
 */
export function authorizeManaging(actor: Grantor, target: Pick<LockedAccount, 'permissions'>): void {
  const missing = target.permissions.filter((p) => !actor.permissions.has(p));
  if (missing.length > 0) {
    throw new FoyerError(403, 'forbidden', 'You cannot change an account that holds permissions you do not hold yourself.', {
      details: { missingPermissions: [...new Set(missing)].sort() },
    });
  }
}
