import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { users } from '../accounts/index.js';

export const ACCESS_REQUEST_STATUSES = ['pending', 'approved'] as const;
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];
/** `form`: the public sign-up form; `sso`: someone unknown signed in through SSO with registration allowed. */
export const ACCESS_REQUEST_SOURCES = ['form', 'sso'] as const;
export type AccessRequestSource = (typeof ACCESS_REQUEST_SOURCES)[number];

/** The text that request search matches against, as one lower-cased string. */
export const accessRequestSearchText = (t: { name: AnyPgColumn; email: AnyPgColumn }) => sql`lower(${t.name} || ' ' || ${t.email})`;

/**
 * Requests to join (seed 002). Declining soft-deletes: the row stays for people allowed to see deleted requests and
 * can be restored. At most one live request per email, whatever its case, so resubmitting always updates that row.
 */
export const accessRequests = pgTable(
  'access_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    /** lower(trim(email)): the identity of a request; the unique index below is on it. */
    emailKey: text('email_key').notNull(),
    name: text('name').notNull(),
    message: text('message').notNull().default(''),
    source: text('source', { enum: ACCESS_REQUEST_SOURCES }).notNull().default('form'),
    status: text('status', { enum: ACCESS_REQUEST_STATUSES }).notNull().default('pending'),
    /** The account waiting for approval, for requests created by SSO registration. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    ssoProviderId: text('sso_provider_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Refreshed by every resubmission: the list shows the newest requests first. */
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    /** When the requester was last told "we received your request": resubmissions re-send it at most hourly. */
    confirmationSentAt: timestamp('confirmation_sent_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    deletedBy: text('deleted_by'),
  },
  (t) => [
    uniqueIndex('access_requests_email_key_live_key').on(t.emailKey).where(sql`${t.deletedAt} is null`),
    index('access_requests_requested_at_id_idx').on(t.requestedAt, t.id),
    index('access_requests_search_trgm_idx').using('gin', sql`${accessRequestSearchText(t)} gin_trgm_ops`),
    check('access_requests_status_check', sql`${t.status} in ('pending', 'approved')`),
    check('access_requests_source_check', sql`${t.source} in ('form', 'sso')`),
  ],
);

export type AccessRequestRow = typeof accessRequests.$inferSelect;
