import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/index.js';

/** External OpenID Connect providers Foyer trusts to prove who someone is (never what they may do). */
export const ssoProviders = pgTable('sso_providers', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  /** Sealed with platform/secrets.ts; null for public clients. */
  clientSecretSealed: text('client_secret_sealed'),
  scopes: text('scopes').array().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * One person at one provider, keyed by the provider's stable subject: emails change hands and differ in case, so
 * an email alone never identifies anyone (ASVS 6.8.1). A person links each provider at most once.
 */
export const ssoIdentities = pgTable(
  'sso_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => ssoProviders.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('sso_identities_provider_subject_key').on(t.providerId, t.subject),
    uniqueIndex('sso_identities_user_provider_key').on(t.userId, t.providerId),
  ],
);

/**
 * Accounts an administrator switched to SSO: the next SSO sign-in with a provider-verified email equal to the
 * account's email links it. Switching back to Local deletes the row.
 */
export const ssoSwitchedAccounts = pgTable('sso_switched_accounts', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  switchedAt: timestamp('switched_at', { withTimezone: true }).notNull(),
});

export const SSO_FLOW_MODES = ['sign_in', 'link', 'verify'] as const;
export type SsoFlowMode = (typeof SSO_FLOW_MODES)[number];

/**
 * A round trip to a provider in progress. It lives in the database, not in the process, so the callback may reach
 * any instance; the browser holds only a random id (hashed here) in a short-lived cookie. Used once, then deleted.
 */
export const ssoFlows = pgTable(
  'sso_flows',
  {
    idHash: text('id_hash').primaryKey(),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => ssoProviders.id, { onDelete: 'cascade' }),
    mode: text('mode', { enum: SSO_FLOW_MODES }).notNull(),
    /** The signed-in person who asked to link, in link mode. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('sso_flows_expires_at_idx').on(t.expiresAt),
    check('sso_flows_mode_check', sql`${t.mode} in ('sign_in', 'link', 'verify')`),
  ],
);
