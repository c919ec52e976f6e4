import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Failed sign-in attempts, counted in the database so every Foyer instance behind a load balancer sees the same
 * numbers. One row per (scope, method, subject): scope `account` counts consecutive failures against one sign-in
 * name (an email, a username, or a user id for second factors), scope `ip` counts failures from one address.
 */
export const signInThrottles = pgTable(
  'sign_in_throttles',
  {
    scope: text('scope', { enum: ['account', 'ip'] }).notNull(),
    method: text('method').notNull(),
    subject: text('subject').notNull(),
    failures: integer('failures').notNull(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }).notNull(),
    /** No attempt is accepted before this moment (the growing delay). */
    blockedUntil: timestamp('blocked_until', { withTimezone: true }),
    /** Set when an account reached the failure limit; only an administrator or a password reset clears it. */
    lockedAt: timestamp('locked_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.scope, t.method, t.subject] }), index('sign_in_throttles_subject_idx').on(t.subject)],
);
