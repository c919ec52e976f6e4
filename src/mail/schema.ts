import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * - queued: waiting for a worker (first try or a retry after a transient failure)
 * - sending: claimed by a worker until `lockedUntil`; a crashed worker's claim lapses and another takes over
 * - sent: the SMTP server accepted it
 * - failed: permanently rejected, or out of attempts; an admin may retry it
 * - blocked: the recipient's domain is not on the allowed list, so it never reaches SMTP
 * - captured: no SMTP was configured when it came due: it stays here, in the dev mailbox
 */
export const MAIL_STATUSES = ['queued', 'sending', 'sent', 'failed', 'blocked', 'captured'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/**
 * The durable outbox. Messages are written in the transaction of the change that causes them and rendered at that
 * moment, so what an administrator sees here is exactly what was (or will be) sent.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recipient: text('recipient').notNull(),
    template: text('template').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    /**
     * The one link or code the message exists to carry. Once the message is delivered (or blocked) it is cut out of
     * the stored bodies and this column is cleared: the outbox is visible to administrators, the link is not theirs.
     */
    secret: text('secret'),
    status: text('status', { enum: MAIL_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    // The worker's two questions, "what is due?" and "whose claim has lapsed?", each read a small partial index.
    index('mail_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    index('mail_outbox_lease_idx').on(t.lockedUntil).where(sql`${t.status} = 'sending'`),
    index('mail_outbox_created_at_id_idx').on(t.createdAt, t.id),
    index('mail_outbox_status_created_at_id_idx').on(t.status, t.createdAt, t.id),
    check('mail_outbox_status_check', sql`${t.status} in ('queued', 'sending', 'sent', 'failed', 'blocked', 'captured')`),
  ],
);

export type MailRow = typeof mailOutbox.$inferSelect;
