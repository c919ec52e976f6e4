import { eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/record.js';
import { hashPassword } from '../auth/passwords/hashing.js';
import { fieldError } from '../platform/errors.js';
import { isUniqueViolation, type Database } from '../platform/db.js';
import { roles, userRoles } from '../roles/schema.js';
import { users, type UserProfile, type UserRow } from './schema.js';

export interface NewUser {
  name: string;
  email: string;
  username: string;
  /** Omitted: the account has no usable password until its person sets one ("Pending Setup"). */
  password?: string;
  roleIds?: string[];
  profile?: UserProfile;
  emailVerified?: boolean;
}

export const normaliseEmail = (email: string) => email.trim();

/** Creates a user with roles and records it. Call inside the transaction of the flow that creates the account. */
export async function createUser(db: Database, context: AuditContext, input: NewUser): Promise<UserRow> {
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  await assertIdentityFree(db, input.email, input.username);
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
    if (isUniqueViolation(error, 'users_email_lower_key')) throw emailTaken();
    if (isUniqueViolation(error, 'users_username_lower_key')) throw usernameTaken();
    throw error;
  }
  const user = row!;
  const roleIds = [...new Set(input.roleIds ?? [])];
  if (roleIds.length > 0) {
    await db.insert(userRoles).values(roleIds.map((roleId) => ({ userId: user.id, roleId })));
  }
  await recordAudit(db, context, {
    action: 'user.created',
    targetType: 'user',
    targetId: user.id,
    details: { email: user.email, username: user.username, roleIds, withPassword: passwordHash !== null },
  });
  return user;
}

const emailTaken = () => fieldError('email', 'email_taken', 'An account with this email already exists.');
const usernameTaken = () => fieldError('username', 'username_taken', 'This username is already taken.');

async function assertIdentityFree(db: Database, email: string, username: string): Promise<void> {
  const clash = await db
    .select({ email: users.email, username: users.username })
    .from(users)
    .where(
      sql`lower(${users.email}) = lower(${normaliseEmail(email)}) or lower(${users.username}) = lower(${username.trim()})`,
    )
    .limit(2);
  if (clash.some((u) => u.email.toLowerCase() === normaliseEmail(email).toLowerCase())) throw emailTaken();
  if (clash.length > 0) throw usernameTaken();
}

export async function findUserByIdentifier(db: Database, identifier: string): Promise<UserRow | undefined> {
  const value = identifier.trim();
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${value}) or lower(${users.username}) = lower(${value})`)
    .limit(1);
  return row;
}

export interface RoleRef {
  id: string;
  name: string;
}

export async function rolesOfUsers(db: Database, userIds: string[]): Promise<Map<string, RoleRef[]>> {
  const byUser = new Map<string, RoleRef[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows = await db
    .select({ userId: userRoles.userId, id: roles.id, name: roles.name })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(inArray(userRoles.userId, userIds))
    .orderBy(roles.name);
  for (const r of rows) byUser.get(r.userId)?.push({ id: r.id, name: r.name });
  return byUser;
}

