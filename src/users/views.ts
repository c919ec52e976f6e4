import { eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { userPermissions } from '../auth/actor.js';
import type { Database } from '../platform/db.js';
import { isoDate, isoOrNull } from '../platform/http.js';
import { USER_PROFILES, USER_STATUSES, users, type UserRow } from './schema.js';
import { groupsOfUsers, rolesOfUsers, type GroupRef, type RoleRef } from './service.js';

export const roleRefSchema = z.object({ id: z.string(), name: z.string() });
export const groupRefSchema = z.object({ id: z.string(), name: z.string() });

export const AUTH_METHODS = ['local', 'sso', 'sso_password', 'pending_setup'] as const;

export const meSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    username: z.string(),
    status: z.enum(USER_STATUSES),
    profile: z.enum(USER_PROFILES),
    roles: z.array(roleRefSchema),
    permissions: z.array(z.string()),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: 'Me' });

export const adminUserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    username: z.string(),
    status: z.enum(USER_STATUSES),
    profile: z.enum(USER_PROFILES),
    roles: z.array(roleRefSchema),
    authMethod: z.enum(AUTH_METHODS),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: 'AdminUser' });

/** What the admin list and detail show beyond the promised shape. */
export const adminUserDetailSchema = adminUserSchema
  .extend({
    groups: z.array(groupRefSchema),
    emailVerified: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminUserDetail' });

export type AdminUserDetail = z.infer<typeof adminUserDetailSchema>;
export type Me = z.infer<typeof meSchema>;
export type AdminUser = z.infer<typeof adminUserSchema>;

export type AuthMethod = (typeof AUTH_METHODS)[number];

/** Derived from the credentials the account really has; SSO links join this when that feature lands. */
export const authMethodOf = (user: Pick<UserRow, 'passwordHash'>): AuthMethod =>
  user.passwordHash ? 'local' : 'pending_setup';

/**
 * The same rule as `authMethodOf`, as a condition the user list filters on. The two must change together: a test
 * checks that every method filters exactly the users `authMethodOf` labels with it.
 */
export function authMethodIs(method: AuthMethod): SQL {
  switch (method) {
    case 'local':
      return isNotNull(users.passwordHash);
    case 'pending_setup':
      return isNull(users.passwordHash);
    case 'sso':
    case 'sso_password':
      return sql`false`;
  }
}

// The directly held roles, ordered by name, as JSON in the same statement: /me is the hottest read in the console.
const directRoles = sql<RoleRef[]>`coalesce((
    select json_agg(json_build_object('id', r.id, 'name', r.name) order by r.name)
    from user_roles ur join roles r on r.id = ur.role_id
    where ur.user_id = "users"."id"), '[]'::json)`;

export async function loadMe(db: Database, userId: string): Promise<Me> {
  const [row] = await db
    .select({ user: users, permissions: userPermissions, roles: directRoles })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw new Error(`user ${userId} vanished`);
  const { roles } = row;
  const u = row.user;
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    username: u.username,
    status: u.status,
    profile: u.profile,
    roles,
    permissions: [...row.permissions].sort(),
    createdAt: isoDate(u.createdAt),
    lastLoginAt: isoOrNull(u.lastLoginAt),
  };
}

export const toAdminUser = (u: UserRow, roles: RoleRef[]): AdminUser => ({
  id: u.id,
  name: u.name,
  email: u.email,
  username: u.username,
  status: u.status,
  profile: u.profile,
  roles,
  authMethod: authMethodOf(u),
  lastLoginAt: isoOrNull(u.lastLoginAt),
});

export const toAdminUserDetail = (u: UserRow, roles: RoleRef[], groups: GroupRef[]): AdminUserDetail => ({
  ...toAdminUser(u, roles),
  groups,
  emailVerified: u.emailVerifiedAt !== null,
  createdAt: isoDate(u.createdAt),
});

/** One user as the admin screens show them; undefined for an unknown or deleted account. */
export async function loadAdminUser(db: Database, userId: string): Promise<AdminUserDetail | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row || row.deletedAt) return undefined;
  const [roles, groups] = [await rolesOfUsers(db, [userId]), await groupsOfUsers(db, [userId])];
  return toAdminUserDetail(row, roles.get(userId) ?? [], groups.get(userId) ?? []);
}
