import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../accounts/index.js';

/**
 * The one store of verification tokens (docs/architecture.md, "Verification tokens"): the instance setup link,
 * set-password and reset links, email verification codes and login links. Only the SHA-256 of the token is stored;
 * a row is spent by setting `usedAt` in the same statement that checks it, so a token works exactly once.
 */
export const oneTimeTokens = pgTable(
  'one_time_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    purpose: text('purpose', {
      enum: ['setup', 'set_password', 'password_reset', 'login_link', 'email_verification'],
    }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('one_time_tokens_user_id_idx').on(t.userId)],
);
