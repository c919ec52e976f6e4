import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/index.js';

/**
 * One-time login links an administrator issues for someone locked out (seed 000). Only the SHA-256 of the token is
 * stored; a link is spent by the same UPDATE that checks it, so it signs in exactly once.
 */
export const loginLinks = pgTable(
  'login_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** The address it was emailed to; null when the administrator copied it to hand over themselves. */
    sentTo: text('sent_to'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('login_links_user_created_idx').on(t.userId, t.createdAt, t.id)],
);

export type LoginLinkRow = typeof loginLinks.$inferSelect;
