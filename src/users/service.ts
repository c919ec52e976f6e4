import { and, ne, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { addMemberships, grantRoles, users, type UserProfile, type UserRow } from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { assertPasswordAllowed, hashPassword } from '../auth/index.js';
import type { Config } from '../platform/config.js';
import { fieldError } from '../platform/errors.js';
import { isUniqueViolation, type Database } from '../platform/db.js';

export interface NewUser {
  name: string;
  email: string;
  username: string;
  /**
   * Omitted: the account has no usable password until its person sets one ("Pending Setup"). Only outside a
   * transaction: inside one, pass `passwordHash` from `hashNewPassword`, computed before the transaction began.
   */
  password?: string;
  passwordHash?: string;
  roleIds?: string[];
  groupIds?: string[];
  profile?: UserProfile;
  emailVerified?: boolean;
}

export const normaliseEmail = (email: string) => email.trim();

/**
 * Checks the password policy and hashes: call before the transaction that creates or changes the account, because
 * argon2 takes tens of milliseconds and memory that must never be spent while rows are locked.
 */
export async function hashNewPassword(password: string): Promise<string> {
  assertPasswordAllowed(password);
  return hashPassword(password);
}

/**
 * Creates a user with roles and groups whose grant the caller authorised, and records it (the roles and groups are
 * part of `user.created`). Call inside the transaction of the flow that creates the account.
 */
export async function createUser(db: Database, context: AuditContext, input: NewUser, config: Config): Promise<UserRow> {
  if (input.password !== undefined && db instanceof PgTransaction) {
    throw new Error('createUser: hash the password with hashNewPassword before the transaction, then pass passwordHash');
  }
  const passwordHash = input.passwordHash ?? (input.password !== undefined ? await hashNewPassword(input.password) : null);
  await assertIdentityFree(db, { email: input.email, username: input.username });
  let row: UserRow | undefined;
  try {
    [row] = await db
      .insert(users)
      .values({
        name: input.name.trim(),
        email: normaliseEmail(input.email),
        username: input.username.trim(),
        profile: input.profile ?? 'member',
        passwordHash,
        emailVerifiedAt: input.emailVerified ? context.now : null,
        createdAt: context.now,
        updatedAt: context.now,
      })
      .returning();
  } catch (error) {
    // A concurrent insert can still win between the check above and this insert.
    throw identityClash(error);
  }
  const user = row!;
  const roleIds = [...new Set(input.roleIds ?? [])];
  await grantRoles(db, user.id, roleIds);
  const groupIds = [...new Set(input.groupIds ?? [])];
  await addMemberships(db, { audit: context, config }, groupIds.map((groupId) => ({ groupId, userId: user.id })));
  await recordAudit(db, context, {
    action: 'user.created',
    targetType: 'user',
    targetId: user.id,
    details: {
      email: user.email,
      username: user.username,
      profile: user.profile,
      roleIds,
      ...(groupIds.length > 0 ? { groupIds } : {}),
      withPassword: passwordHash !== null,
    },
  });
  return user;
}

export const emailTaken = () => fieldError('email', 'email_taken', 'An account with this email already exists.');
export const usernameTaken = () => fieldError('username', 'username_taken', 'This username is already taken.');

/** The clear field error for a unique violation on email or username, or the error itself when it is neither. */
export function identityClash(error: unknown): unknown {
  if (isUniqueViolation(error, 'users_email_lower_key')) return emailTaken();
  if (isUniqueViolation(error, 'users_username_lower_key')) return usernameTaken();
  return error;
}

/** Refuses an email or username another account already uses (regardless of case); `exceptUserId` is the editor's own. */
export async function assertIdentityFree(
  db: Database,
  identity: { email?: string; username?: string },
  exceptUserId?: string,
): Promise<void> {
  const email = identity.email === undefined ? undefined : normaliseEmail(identity.email);
  const username = identity.username?.trim();
  const matches = [
    email === undefined ? undefined : sql`lower(${users.email}) = lower(${email})`,
    username === undefined ? undefined : sql`lower(${users.username}) = lower(${username})`,
  ].filter((c) => c !== undefined);
  if (matches.length === 0) return;
  const clash = await db
    .select({ email: users.email, username: users.username })
    .from(users)
    .where(and(sql`(${sql.join(matches, sql` or `)})`, exceptUserId ? ne(users.id, exceptUserId) : undefined))
    .limit(2);
  if (email !== undefined && clash.some((u) => u.email.toLowerCase() === email.toLowerCase())) throw emailTaken();
  if (clash.length > 0) throw usernameTaken();
}
