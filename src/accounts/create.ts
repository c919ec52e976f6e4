import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { addMemberships, grantRoles } from './assignments.js';
import { recordAccountChange, type AuditContext } from './audit-trail.js';
import { assertIdentityFree, identityClash, normaliseEmail } from './identity.js';
import { users, type UserProfile, type UserRow } from './schema.js';

export interface NewUser {
  name: string;
  email: string;
  username: string;
  /**
   * The argon2 hash of the password its person chose, computed by the caller before its transaction began (auth's
   * `hashNewPassword`): hashing takes tens of milliseconds and memory that must never be spent while rows are locked.
   * Omitted: the account has no usable password until its person sets one ("Pending Setup").
   */
  passwordHash?: string;
  roleIds?: string[];
  groupIds?: string[];
  profile?: UserProfile;
  emailVerified?: boolean;
}

/**
 * Creates a user with roles and groups whose grant the caller authorised, and records it (the roles and groups are
 * part of `user.created`). Call inside the transaction of the flow that creates the account.
 */
export async function createUser(db: Database, context: AuditContext, input: NewUser, config: Config): Promise<UserRow> {
  const passwordHash = input.passwordHash ?? null;
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
  await recordAccountChange(db, context, {
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
