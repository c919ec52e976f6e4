import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../../accounts/index.js';
import { MFA_METHODS } from '../fields.js';

/** How the person proved who they are before any second factor. */
export type FirstFactor = 'password' | 'passkey' | 'login_link' | 'password_link' | 'signup_link' | 'invitation' | 'sso' | 'setup';

export { MFA_METHODS };
export type MfaMethod = (typeof MFA_METHODS)[number];

/**
 * A person's second factors, at most one of each kind. A row without `confirmedAt` is an enrolment in progress: it
 * never counts as a way in until its owner has proven it works by entering a code from it.
 */
export const mfaMethods = pgTable(
  'mfa_methods',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MFA_METHODS }).notNull(),
    /** TOTP only: the shared secret, sealed with platform/secrets.ts (it must be readable to check codes). */
    secretSealed: text('secret_sealed'),
    /** SMS only: E.164 phone number. */
    phone: text('phone'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('mfa_methods_user_kind_key').on(t.userId, t.kind),
    check('mfa_methods_kind_check', sql`${t.kind} in ('totp', 'email', 'sms')`),
  ],
);

/**
 * TOTP time steps already accepted for a user. The primary key makes acceptance atomic: of any number of concurrent
 * uses of one code, exactly one inserts its step; a replayed code finds its step taken.
 */
export const mfaTotpUsedSteps = pgTable(
  'mfa_totp_used_steps',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    step: bigint('step', { mode: 'number' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.step] })],
);

/**
 * A sign-in whose first factor is proven and which waits for the second (`challenge`) or, under the "enrol at sign-in"
 * policy, for the person to set one up (`enrol`). The browser holds `id.secret` in a short-lived cookie; only the
 * SHA-256 of the secret is stored. Completing it deletes the row in the statement that checks it.
 */
export const mfaPendingSignIns = pgTable(
  'mfa_pending_sign_ins',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstFactor: text('first_factor').$type<FirstFactor>().notNull(),
    stage: text('stage', { enum: ['challenge', 'enrol'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('mfa_pending_sign_ins_user_id_idx').on(t.userId), index('mfa_pending_sign_ins_expires_at_idx').on(t.expiresAt)],
);

/**
 * The current email or SMS code of one person for one purpose. Sending a new code replaces the hash in place and
 * keeps `failedAttempts`, so asking for a fresh code never buys more guesses; only a correct code resets it.
 */
export const mfaCodes = pgTable(
  'mfa_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    purpose: text('purpose', { enum: ['sign_in', 'enrol'] }).notNull(),
    /** Null once the code was used or spent by too many wrong guesses. */
    codeHash: text('code_hash'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    failedAttempts: integer('failed_attempts').notNull().default(0),
  },
  (t) => [uniqueIndex('mfa_codes_user_channel_purpose_key').on(t.userId, t.channel, t.purpose)],
);

/**
 * Recovery codes, stored as SHA-256. `set`: the ten a person generated for themselves (regenerating deletes the old
 * set). `admin_issued`: one code an administrator handed to someone who lost their second factor (seed 001).
 * A code is spent by setting `usedAt` in the statement that checks it.
 */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['set', 'admin_issued'] }).notNull(),
    codeHash: text('code_hash').notNull(),
    issuedBy: uuid('issued_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('mfa_recovery_codes_user_hash_idx').on(t.userId, t.codeHash)],
);
