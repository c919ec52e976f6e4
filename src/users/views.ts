import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { userPermissions } from '../auth/actor.js';
import type { Database } from '../platform/db.js';
import { isoDate, isoOrNull } from '../platform/http.js';
import { USER_PROFILES, USER_STATUSES, users, type UserRow } from './schema.js';
import { rolesOfUsers, type RoleRef } from './service.js';

export const roleRefSchema = z.object({ id: z.string(), name: z.string() });

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

export type Me = z.infer<typeof meSchema>;
export type AdminUser = z.infer<typeof adminUserSchema>;

/** Derived from the credentials the account really has; SSO links join this when that feature lands. */
export const authMethodOf = (user: Pick<UserRow, 'passwordHash'>): AdminUser['authMethod'] =>
  user.passwordHash ? 'local' : 'pending_setup';

export async function loadMe(db: Database, userId: string): Promise<Me> {
  const [row] = await db
    .select({ user: users, permissions: userPermissions })
    .from(users)
    .where(eq(users.id, userId));
  if (!row) throw new Error(`user ${userId} vanished`);
  const roles = (await rolesOfUsers(db, [userId])).get(userId) ?? [];
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
