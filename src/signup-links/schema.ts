import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/index.js';

/**
 * Sign-up links (seed 000): not tied to an email address, they let anyone holding them create an account until they
 * expire, run out of uses or are revoked. Only the SHA-256 of the token is stored. `uses` only grows through one
 * conditional UPDATE in the transaction that creates the account, so the limit holds under any concurrency.
 */
export const signupLinks = pgTable(
  'signup_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** For administrators only: what the link is for, and anything worth remembering about it. */
    name: text('name').notNull().default(''),
    note: text('note').notNull().default(''),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Null: unlimited. */
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    roleIds: uuid('role_ids').array().notNull().default(sql`'{}'::uuid[]`),
    groupIds: uuid('group_ids').array().notNull().default(sql`'{}'::uuid[]`),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: uuid('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('signup_links_created_idx').on(t.createdAt, t.id),
    check('signup_links_uses_check', sql`${t.uses} >= 0 and (${t.maxUses} is null or (${t.maxUses} >= 1 and ${t.uses} <= ${t.maxUses}))`),
  ],
);

export type SignupLinkRow = typeof signupLinks.$inferSelect;

/**
 * A half-made account: created through a sign-up link, without a credential yet. The link's use is spent, and its
 * roles and groups given, only when the first credential is saved; until then the account holds nothing but its
 * set-up step, and housekeeping removes it once it has waited longer than the link lasts.
 */
export const signupLinkJoins = pgTable(
  'signup_link_joins',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    signupLinkId: uuid('signup_link_id')
      .notNull()
      .references(() => signupLinks.id, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('signup_link_joins_link_idx').on(t.signupLinkId)],
);
