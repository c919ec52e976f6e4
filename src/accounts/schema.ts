/**
 * The account tables: people, roles and groups, and who holds which. They belong to the accounts core; other
 * features read them through src/accounts/index.ts.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/** `pending_approval`: signed up (through SSO registration) and waiting for an administrator; cannot sign in yet. */
export const USER_STATUSES = ['active', 'disabled', 'revoked', 'pending_approval'] as const;

export type UserStatus = (typeof USER_STATUSES)[number];

export const USER_PROFILES = ['member', 'external'] as const;

export type UserProfile = (typeof USER_PROFILES)[number];

/** The text that user search matches against, as one lower-cased string. */
export const userSearchText = (t: { name: AnyPgColumn; email: AnyPgColumn; username: AnyPgColumn }) =>
  sql`lower(${t.name} || ' ' || ${t.email} || ' ' || ${t.username})`;

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    username: text('username').notNull(),
    status: text('status', { enum: USER_STATUSES }).notNull().default('active'),
    profile: text('profile', { enum: USER_PROFILES }).notNull().default('member'),
    /** argon2id PHC string; null means the account has no usable password. */
    passwordHash: text('password_hash'),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** Set when the account was deleted: its personal data is gone and the row stays only so history resolves. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    // Emails and usernames are unique regardless of case, so "Ann@x" cannot shadow "ann@x".
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    index('users_name_lower_id_idx').on(sql`lower(${t.name})`, t.id),
    index('users_last_login_at_id_idx').on(t.lastLoginAt, t.id),
    index('users_status_idx').on(t.status),
    // Substring search over a million users needs trigrams; queries must use `userSearchText` to hit this index.
    // A migration raises the statistics target of its expression (`alter index … set statistics 1000`) so the planner
    // sees how rare a searched name is; drizzle-kit does not know it, so an index re-created under another definition
    // needs that statement again (list.test.ts checks it).
    index('users_search_trgm_idx').using('gin', sql`${userSearchText(t)} gin_trgm_ops`),
    check('users_status_check', sql`${t.status} in ('active', 'disabled', 'revoked', 'pending_approval')`),
    check('users_profile_check', sql`${t.profile} in ('member', 'external')`),
  ],
);

export type UserRow = typeof users.$inferSelect;

export const roles = pgTable(
  'roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stable key of a built-in role ('admin', 'member', 'viewer', …); null for custom roles. */
    builtinKey: text('builtin_key').unique(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('roles_name_lower_key').on(sql`lower(${t.name})`)],
);

export const userRoles = pgTable(
  'user_roles',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roleId] }), index('user_roles_role_id_idx').on(t.roleId)],
);

export type RoleRow = typeof roles.$inferSelect;

export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('groups_name_lower_key').on(sql`lower(${t.name})`)],
);

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_id_idx').on(t.userId)],
);

/** Roles a group carries: every member inherits their permissions. */
export const groupRoles = pgTable(
  'group_roles',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'restrict' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.roleId] }), index('group_roles_role_id_idx').on(t.roleId)],
);

export type GroupRow = typeof groups.$inferSelect;

/**
 * One row whose stamp changes with every statement on `roles` or `group_roles` (triggers of migration 0017): the
 * copy of the role catalogue a process keeps for the session check is good exactly while the stamp is the same.
 */
export const roleCatalogueStamp = pgTable('role_catalogue_stamp', {
  singleton: boolean('singleton').primaryKey().default(true),
  stamp: uuid('stamp').notNull().defaultRandom(),
});
