import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/index.js';
import { oneTimeTokens } from '../auth/index.js';

/**
 * One-time login links an administrator issues for someone locked out (seed 000): the administrator's record of each
 * link. The secret itself is a `login_link` one-time token (hashed, spent by the UPDATE that checks it); this row
 * points at it and keeps who issued it, where it went and what became of it, after retention has pruned the token.
 */
export const loginLinks = pgTable(
  'login_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Null once the token was pruned, and for links that were already spent when they moved to the token store. */
    tokenId: uuid('token_id')
      .unique()
      .references(() => oneTimeTokens.id, { onDelete: 'set null' }),
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
