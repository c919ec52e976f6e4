import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { actorUserColumns, actorUserOf, heldCatalogue, registerAccessHolder, userPermissions, users, type Actor } from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { hashSecret, randomId, randomSecret, secretMatches, splitToken } from '../platform/crypto.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { apiTokens } from './schema.js';

/** The prefix makes leaked tokens recognisable to secret scanners and to people. */
export const API_TOKEN_PREFIX = 'foyer_';
// Recording each use would flood the audit log; one event per token per interval says when it was in use.
const USE_RECORD_INTERVAL_MS = 60_000;

export async function createApiToken(
  db: Database,
  context: AuditContext,
  creatorId: string,
  input: { name: string; expiresAt: Date | null },
) {
  if (input.expiresAt && input.expiresAt <= context.now) {
    throw new FoyerError(400, 'validation_failed', 'The expiry must be in the future.', {
      details: { fields: { expiresAt: 'must be in the future' } },
    });
  }
  const id = randomId();
  const secret = randomSecret();
  const [row] = await db
    .insert(apiTokens)
    .values({ id, name: input.name.trim(), secretHash: hashSecret(secret), createdBy: creatorId, createdAt: context.now, expiresAt: input.expiresAt })
    .returning();
  await recordAudit(db, context, { action: 'api_token.created', targetType: 'api_token', targetId: id, details: { name: row!.name } });
  return { row: row!, token: `${API_TOKEN_PREFIX}${id}.${secret}` };
}

const tokenView = (db: Database) =>
  db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      createdBy: { id: users.id, name: users.name },
      permissions: userPermissions,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.createdBy));

export type ApiTokenView = Awaited<ReturnType<typeof getApiToken>>;

/** Tokens newest first, each with what it may do now: its creator's permissions. */
export async function listApiTokens(db: Database, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor, z.tuple([z.iso.datetime(), z.string()]));
  const rows = await tokenView(db)
    .where(after ? sql`(${apiTokens.createdAt}, ${apiTokens.id}) < (${after[0]}::timestamptz, ${after[1]})` : undefined)
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(page.limit + 1);
  return paginate(rows, page.limit, (t) => [t.createdAt.toISOString(), t.id]);
}

export async function getApiToken(db: Database, id: string) {
  const [row] = await tokenView(db).where(eq(apiTokens.id, id));
  if (!row) throw notFound('The API token');
  return row;
}

export async function revokeApiToken(db: Database, context: AuditContext, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: context.now })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (!row) {
      const [existing] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, id));
      if (!existing) throw notFound('The API token');
      return;
    }
    await recordAudit(tx, context, { action: 'api_token.revoked', targetType: 'api_token', targetId: id });
  });
}

/**
 * The actor behind an API token: its creator with the creator's permissions as they are now, so a token never
 * outlives or outranks the person who made it.
 */
export async function resolveApiToken(db: Database, token: string, context: Omit<AuditContext, 'actorType' | 'actorId'>): Promise<Actor | null> {
  const parts = splitToken(token, API_TOKEN_PREFIX);
  if (!parts) return null;
  const known = heldCatalogue();
  const [row] = await db
    .select({
      secretHash: apiTokens.secretHash,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
      user: actorUserColumns(known?.stamp ?? null),
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.id, parts.id));
  if (!row || !secretMatches(parts.secret, row.secretHash)) return null;
  const { user, permissions } = actorUserOf(row.user, known);
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= context.now) || user.status !== 'active') return null;
  if (!row.lastUsedAt || context.now.getTime() - row.lastUsedAt.getTime() > USE_RECORD_INTERVAL_MS) {
    await db.transaction(async (tx) => {
      // Only the request that moves last-used forward records the use, so concurrent requests write one event.
      const cutoff = new Date(context.now.getTime() - USE_RECORD_INTERVAL_MS);
      const [moved] = await tx
        .update(apiTokens)
        .set({ lastUsedAt: context.now })
        .where(and(eq(apiTokens.id, parts.id), row.lastUsedAt ? lt(apiTokens.lastUsedAt, cutoff) : isNull(apiTokens.lastUsedAt)))
        .returning({ id: apiTokens.id });
      if (moved) {
        await recordAudit(tx, { ...context, actorType: 'api_token', actorId: parts.id }, {
          action: 'api_token.used',
          targetType: 'api_token',
          targetId: parts.id,
          details: { userId: user.id },
        });
      }
    });
  }
  return { via: 'api_token', sessionId: null, apiTokenId: parts.id, authenticatedAt: null, setupOnly: false, user, permissions };
}

/**
 * A token acts only while its creator is active, so disabling (or a sign-out) leaves tokens to work again once the
 * account is enabled; an account that will never be active again has them revoked.
 */
registerAccessHolder({
  name: 'api_tokens',
  ignores: ['disabled', 'signed_out_everywhere', 'sessions_ended_by_admin'],
  async end(tx, { userId, now }) {
    const revoked = await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.createdBy, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return revoked.length;
  },
});

/** The name and the creator's name of each token, for audit events that mention tokens. */
export async function tokenNamesOf(db: Database, tokenIds: string[]): Promise<{ id: string; name: string; creator: string }[]> {
  if (tokenIds.length === 0) return [];
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, creator: users.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.createdBy))
    .where(inArray(apiTokens.id, tokenIds));
}

/** The person a token acts for: the one who created it; null for an unknown token. */
export async function tokenCreatorOf(db: Database, tokenId: string): Promise<string | null> {
  const [token] = await db.select({ userId: apiTokens.createdBy }).from(apiTokens).where(eq(apiTokens.id, tokenId));
  return token?.userId ?? null;
}
