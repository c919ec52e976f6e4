import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

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
