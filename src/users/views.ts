import { and, eq, getTableColumns, isNotNull, isNull, not, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  groupRefSchema,
  groupsOfUsers,
  roleRefSchema,
  rolesOfUsers,
  USER_PROFILES,
  USER_STATUSES,
  users,
  type GroupRef,
  type RoleRef,
  type UserRow,
} from '../accounts/index.js';
import { hasPasskeySql } from '../auth/index.js';
import type { Database } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { isoDate, isoOrNull } from '../platform/http.js';


export const AUTH_METHODS = ['local', 'sso', 'sso_password', 'pending_setup'] as const;

/** The ways in an account really has, each on its own (`authMethod` sums them up in the promised words). */
export const SIGN_IN_METHODS = ['passkey', 'password', 'sso'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

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
    signInMethods: z
      .array(z.enum(SIGN_IN_METHODS))
      .describe('Every way in the account has: a passkey, a password, single sign-on; empty while it awaits setup'),
    twoFactorEnabled: z.boolean().describe('At least one confirmed second factor'),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminUserDetail' });

export type AdminUserDetail = z.infer<typeof adminUserDetailSchema>;
export type AdminUser = z.infer<typeof adminUserSchema>;

export type AuthMethod = (typeof AUTH_METHODS)[number];

/**
 * Whether the account signs in through single sign-on: linked to a provider, or switched to SSO by an administrator
 * and waiting to be linked at its next SSO sign-in (src/sso).
 */
const usesSsoCondition = sql<boolean>`(exists (select 1 from sso_identities si where si.user_id = "users"."id")
  or exists (select 1 from sso_switched_accounts ss where ss.user_id = "users"."id"))`;

/** A second factor counts once its owner has proven it works (src/auth/mfa). */
const hasTwoFactorCondition = sql<boolean>`exists (select 1 from mfa_methods mm where mm.user_id = "users"."id" and mm.confirmed_at is not null)`;

/** The columns every admin view of a user is built from: the row, its SSO, passkey and second factor. */
export const adminUserColumns = {
  ...getTableColumns(users),
  usesSso: usesSsoCondition.as('uses_sso'),
  // A passkey is a local credential as good as a password: a passkey-only account is set up, not pending.
  hasPasskey: hasPasskeySql.as('has_passkey'),
  hasTwoFactor: hasTwoFactorCondition.as('has_two_factor'),
};
export type AdminUserRow = UserRow & { usesSso: boolean; hasPasskey: boolean; hasTwoFactor: boolean };

const signInMethodsOf = (u: AdminUserRow): SignInMethod[] => [
  ...(u.hasPasskey ? (['passkey'] as const) : []),
  ...(u.passwordHash ? (['password'] as const) : []),
  ...(u.usesSso ? (['sso'] as const) : []),
];

/** Derived from the credentials the account really has. "Password" in `sso_password` means exactly a password. */
export const authMethodOf = (user: Pick<UserRow, 'passwordHash'> & { usesSso: boolean; hasPasskey: boolean }): AuthMethod =>
  user.usesSso
    ? user.passwordHash
      ? 'sso_password'
      : 'sso'
    : user.passwordHash || user.hasPasskey
      ? 'local'
      : 'pending_setup';

/**
 * The same rule as `authMethodOf`, as a condition the user list filters on. The two must change together: a test
 * checks that every method filters exactly the users `authMethodOf` labels with it.
 */
export function authMethodIs(method: AuthMethod): SQL {
  switch (method) {
    case 'local':
      return and(or(isNotNull(users.passwordHash), hasPasskeySql), not(usesSsoCondition))!;
    case 'pending_setup':
      return and(isNull(users.passwordHash), not(hasPasskeySql), not(usesSsoCondition))!;
    case 'sso':
      return and(isNull(users.passwordHash), usesSsoCondition)!;
    case 'sso_password':
      return and(isNotNull(users.passwordHash), usesSsoCondition)!;
  }
}

export const toAdminUser = (u: AdminUserRow, roles: RoleRef[]): AdminUser => ({
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

export const toAdminUserDetail = (u: AdminUserRow, roles: RoleRef[], groups: GroupRef[]): AdminUserDetail => ({
  ...toAdminUser(u, roles),
  groups,
  emailVerified: u.emailVerifiedAt !== null,
  signInMethods: signInMethodsOf(u),
  twoFactorEnabled: u.hasTwoFactor,
  createdAt: isoDate(u.createdAt),
});

/** One user as the admin screens show them; undefined for an unknown or deleted account. */
export async function loadAdminUser(db: Database, userId: string): Promise<AdminUserDetail | undefined> {
  if (!isUuid(userId)) return undefined;
  const [row] = await db.select(adminUserColumns).from(users).where(eq(users.id, userId));
  if (!row || row.deletedAt) return undefined;
  const [roles, groups] = [await rolesOfUsers(db, [userId]), await groupsOfUsers(db, [userId])];
  return toAdminUserDetail(row, roles.get(userId) ?? [], groups.get(userId) ?? []);
}
