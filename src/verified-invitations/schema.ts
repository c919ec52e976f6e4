import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/index.js';

/**
 * The steps of a verified invitation, in order. The two code choices may happen in either order, so the state after
 * the first one says which side has confirmed; `details` means both have.
 */
export const VERIFIED_INVITATION_STATES = [
  'waiting_for_guest',
  'guest_waiting',
  'greeted',
  'guest_confirmed',
  'host_confirmed',
  'details',
  'completed',
  'aborted',
  'expired',
] as const;
export type VerifiedInvitationState = (typeof VERIFIED_INVITATION_STATES)[number];

/** What the host proposed when creating the invitation; confirmed or changed in the details step. */
export interface VerifiedInvitationProposal {
  name: string | null;
  email: string | null;
  roleIds: string[];
  groupIds: string[];
}

/**
 * One high-trust invitation (seed 003). Instances behind a load balancer share nothing but this row: every step is one
 * conditional UPDATE on `state`, and `version` grows with each one so live streams notice changes by polling too.
 */
export const verifiedInvitations = pgTable(
  'verified_invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    state: text('state', { enum: VERIFIED_INVITATION_STATES }).notNull().default('waiting_for_guest'),
    version: integer('version').notNull().default(1),
    proposal: jsonb('proposal').$type<VerifiedInvitationProposal>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** The link stops working at this time unless a guest already opened it. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** The SHA-256 of the secret cookie of the first browser that opened the link: only that browser continues. */
    guestSecretHash: text('guest_secret_hash'),
    hostId: uuid('host_id').references(() => users.id, { onDelete: 'set null' }),
    /** The deadline of the current step; passing it expires the invitation. */
    stepDeadline: timestamp('step_deadline', { withTimezone: true }),
    /** Shown to the guest, read out to the host, who picks it among `hostChoices`. */
    guestCode: text('guest_code'),
    /** Shown to the host, read out to the guest, who picks it among `guestChoices`. */
    hostCode: text('host_code'),
    guestChoices: text('guest_choices').array(),
    hostChoices: text('host_choices').array(),
    abortReason: text('abort_reason'),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    guestSignedInAt: timestamp('guest_signed_in_at', { withTimezone: true }),
  },
  (t) => [
    index('verified_invitations_created_at_id_idx').on(t.createdAt, t.id),
    check(
      'verified_invitations_state_check',
      sql`${t.state} in ('waiting_for_guest', 'guest_waiting', 'greeted', 'guest_confirmed', 'host_confirmed', 'details', 'completed', 'aborted', 'expired')`,
    ),
  ],
);

export type VerifiedInvitationRow = typeof verifiedInvitations.$inferSelect;
