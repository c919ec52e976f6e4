import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sessions } from '../sessions/schema.js';
import { users } from '../../accounts/index.js';

export const PASSKEY_DEVICE_TYPES = ['singleDevice', 'multiDevice'] as const;

/** WebAuthn credentials: only the public key is ever known to Foyer. */
export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The authenticator's credential id, base64url; what an assertion names. */
    credentialId: text('credential_id').notNull().unique(),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** Authenticators count up to 2^32-1, beyond a Postgres integer. */
    signCount: bigint('sign_count', { mode: 'number' }).notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    backedUp: boolean('backed_up').notNull(),
    deviceType: text('device_type', { enum: PASSKEY_DEVICE_TYPES }).notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    /** Set when an assertion's counter did not move forward: a sign the key may have been cloned. */
    signCountRegressedAt: timestamp('sign_count_regressed_at', { withTimezone: true }),
  },
  (t) => [
    index('passkeys_user_id_idx').on(t.userId),
    check('passkeys_device_type_check', sql`${t.deviceType} in ('singleDevice', 'multiDevice')`),
  ],
);

export const WEBAUTHN_PURPOSES = ['sign_in', 'registration', 'reauthentication'] as const;
export type WebAuthnPurpose = (typeof WEBAUTHN_PURPOSES)[number];

/**
 * Challenges live in the database, not in memory, so a ceremony may start on one instance and finish on another.
 * The challenge itself is the key: the signed clientDataJSON names it, and the row is consumed by one
 * `DELETE … RETURNING`, so each challenge verifies at most once.
 */
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    challenge: text('challenge').primaryKey(),
    purpose: text('purpose', { enum: WEBAUTHN_PURPOSES }).notNull(),
    /** The account a registration or re-authentication is for; null for passwordless sign-in. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** The session a registration or re-authentication belongs to, so another session cannot finish it. */
    sessionId: text('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('webauthn_challenges_expires_at_idx').on(t.expiresAt),
    check('webauthn_challenges_purpose_check', sql`${t.purpose} in ('sign_in', 'registration', 'reauthentication')`),
  ],
);

export type PasskeyRow = typeof passkeys.$inferSelect;
