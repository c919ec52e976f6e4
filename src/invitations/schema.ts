import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/index.js';

/**
 * An email invitation (seeds 002, 004): the account it created, the roles and groups it pre-assigned (read again by
 * single sign-on), and the one link that lets its person in. Only the SHA-256 of the link's token is stored; resending
 * replaces it, so the previous link stops working in the same statement. A person has at most one open invitation.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    roleIds: uuid('role_ids').array().notNull().default(sql`'{}'::uuid[]`),
    groupIds: uuid('group_ids').array().notNull().default(sql`'{}'::uuid[]`),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    /** Null once accepted or revoked: nothing can match a spent link any more. */
    tokenHash: text('token_hash').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    /** How it was accepted: `password`, `passkey` (through the link) or `sso` (first single sign-on of that email). */
    acceptedVia: text('accepted_via'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('invitations_open_user_key').on(t.userId).where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index('invitations_open_created_idx').on(t.createdAt, t.id).where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    index('invitations_email_lower_idx').on(sql`lower(${t.email})`),
  ],
);

export type InvitationRow = typeof invitations.$inferSelect;
