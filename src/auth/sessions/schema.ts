import { boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../accounts/index.js';

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** When the person last proved who they are in this session (sign-in or re-authentication): guards credential changes. */
    authenticatedAt: timestamp('authenticated_at', { withTimezone: true }).notNull().defaultNow(),
    idleExpiresAt: timestamp('idle_expires_at', { withTimezone: true }).notNull(),
    absoluteExpiresAt: timestamp('absolute_expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    /**
     * The provider this session was signed in through: removing that link, or the provider, ends the session. The
     * foreign key to sso_providers (on delete cascade) is in the database, from migration 0008, and stays there: it
     * is what ends these sessions when a provider is removed, even one whose sign-in finishes at that moment. It is
     * not declared here because sessions sit below sso in the layers (docs/architecture.md), so this file does not
     * name sso's table.
     */
    ssoProviderId: uuid('sso_provider_id'),
    /**
     * Started by a sign-up link or an invitation before the account has any credential: it may only finish the set-up
     * (register a passkey, confirm the email) until the first credential is saved, which lifts it.
     */
    setupOnly: boolean('setup_only').notNull().default(false),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId), index('sessions_idle_expires_at_idx').on(t.idleExpiresAt)],
);
