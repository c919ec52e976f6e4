import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const USER_STATUSES = ['active', 'disabled', 'revoked'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const USER_PROFILES = ['member', 'external'] as const;
export type UserProfile = (typeof USER_PROFILES)[number];

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
  },
  (t) => [
    // Emails and usernames are unique regardless of case, so "Ann@x" cannot shadow "ann@x".
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    check('users_status_check', sql`${t.status} in ('active', 'disabled', 'revoked')`),
    check('users_profile_check', sql`${t.profile} in ('member', 'external')`),
  ],
);

export type UserRow = typeof users.$inferSelect;
