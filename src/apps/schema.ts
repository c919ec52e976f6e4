import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { groups, users } from '../accounts/index.js';

export const APP_TYPES = ['confidential', 'public'] as const;
export type AppType = (typeof APP_TYPES)[number];
export const ACCESS_TOKEN_FORMATS = ['opaque', 'jwt'] as const;
export type AccessTokenFormat = (typeof ACCESS_TOKEN_FORMATS)[number];

/**
 * An application that signs people in through Foyer (an OpenID Connect client).
 *
 * The client secret is stored as a SHA-256 digest, never sealed: Foyer only ever has to compare a presented secret,
 * never read one back (it offers no HS256 or client_secret_jwt, which would need the plain value). The secret is 256
 * random bits, so a fast digest is as strong as a slow one, and a stolen database plus the instance key still yields
 * no usable secret.
 */
export const apps = pgTable(
  'apps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    clientId: text('client_id').notNull(),
    type: text('type', { enum: APP_TYPES }).notNull(),
    clientSecretHash: text('client_secret_hash'),
    redirectUris: jsonb('redirect_uris').$type<string[]>().notNull(),
    postLogoutRedirectUris: jsonb('post_logout_redirect_uris').$type<string[]>().notNull(),
    backchannelLogoutUri: text('backchannel_logout_uri'),
    launchUrl: text('launch_url'),
    logoUrl: text('logo_url'),
    requireConsent: boolean('require_consent').notNull().default(true),
    /** A new app opens for nobody: the administrator chooses everyone or some groups. */
    accessEveryone: boolean('access_everyone').notNull().default(false),
    accessTokenFormat: text('access_token_format', { enum: ACCESS_TOKEN_FORMATS }).notNull().default('opaque'),
    /** ES256 unless an older app can only verify RS256. */
    signingAlgorithm: text('signing_algorithm', { enum: ['ES256', 'RS256'] }).notNull().default('ES256'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('apps_client_id_key').on(t.clientId),
    check('apps_type_check', sql`${t.type} in ('confidential', 'public')`),
    check('apps_access_token_format_check', sql`${t.accessTokenFormat} in ('opaque', 'jwt')`),
    check('apps_signing_algorithm_check', sql`${t.signingAlgorithm} in ('ES256', 'RS256')`),
    check('apps_secret_matches_type_check', sql`(${t.type} = 'confidential') = (${t.clientSecretHash} is not null)`),
  ],
);

/** The groups whose members may open an app (when it is not open to everyone). */
export const appGroups = pgTable(
  'app_groups',
  {
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.appId, t.groupId] }), index('app_groups_group_id_idx').on(t.groupId)],
);

/** One person's relation to one app: the consent they gave (null until given) and when they last signed in. */
export const appAuthorizations = pgTable(
  'app_authorizations',
  {
    appId: uuid('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    consentedAt: timestamp('consented_at', { withTimezone: true }),
    /** The scopes the consent covers; asking for more asks again. */
    consentedScopes: jsonb('consented_scopes').$type<string[]>().notNull().default([]),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.appId, t.userId] }), index('app_authorizations_user_id_idx').on(t.userId)],
);

/**
 * Everything the OpenID Provider engine stores (sessions, interactions, grants, codes, tokens), one row per model
 * instance. `account_id` and `client_id` are copied out of the payload so ending a person's or an app's access is
 * one indexed delete in the transaction of the change.
 */
export const oidcModels = pgTable(
  'oidc_models',
  {
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    grantId: text('grant_id'),
    uid: text('uid'),
    userCode: text('user_code'),
    accountId: text('account_id'),
    clientId: text('client_id'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.id] }),
    index('oidc_models_grant_id_idx').on(t.grantId).where(sql`${t.grantId} is not null`),
    index('oidc_models_uid_idx').on(t.uid).where(sql`${t.uid} is not null`),
    index('oidc_models_user_code_idx').on(t.userCode).where(sql`${t.userCode} is not null`),
    index('oidc_models_account_id_idx').on(t.accountId, t.clientId).where(sql`${t.accountId} is not null`),
    index('oidc_models_client_id_idx').on(t.clientId).where(sql`${t.clientId} is not null`),
    index('oidc_models_expires_at_idx').on(t.expiresAt).where(sql`${t.expiresAt} is not null`),
  ],
);

export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * The provider's keys, private parts sealed with the instance key (platform/secrets.ts). `use = 'sig'` keys sign
 * tokens; the newest of each algorithm signs, older ones stay published until `retired_at` plus the longest token
 * lifetime. `use = 'cookie'` keys sign the engine's cookies, shared by every instance.
 */
export const oidcKeys = pgTable(
  'oidc_keys',
  {
    id: text('id').primaryKey(),
    use: text('use', { enum: ['sig', 'cookie'] }).notNull(),
    algorithm: text('algorithm').notNull(),
    sealedKey: text('sealed_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [check('oidc_keys_use_check', sql`${t.use} in ('sig', 'cookie')`)],
);

export const LOGOUT_DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;

/**
 * Back-channel logout notices owed to apps, written in the transaction that ended the access and delivered by the
 * logout worker with retries. Holds the URI and client id rather than a reference: a deleted app is still told.
 */
export const appLogoutDeliveries = pgTable(
  'app_logout_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: text('client_id').notNull(),
    uri: text('uri').notNull(),
    userId: uuid('user_id').notNull(),
    sessionId: text('session_id'),
    status: text('status', { enum: LOGOUT_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('app_logout_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    index('app_logout_deliveries_lease_idx').on(t.lockedUntil).where(sql`${t.status} = 'sending'`),
    check('app_logout_deliveries_status_check', sql`${t.status} in ('queued', 'sending', 'sent', 'failed')`),
  ],
);

export type AppRow = typeof apps.$inferSelect;
