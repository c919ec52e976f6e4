import { and, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import { registerAccessHolder } from '../../accounts/index.js';
import type { Database } from '../../platform/db.js';
import { hashSecret, randomSecret } from '../../platform/crypto.js';
import { registerRetention, retentionCutoff } from '../../platform/retention.js';
import { oneTimeTokens } from './schema.js';

type Purpose = (typeof oneTimeTokens.$inferInsert)['purpose'];

/** The links that go to a person's address, which a change of address or the end of the account withdraws. */
const LINKS_TO_THE_ADDRESS: Purpose[] = ['set_password', 'password_reset', 'email_verification'];

export async function issueOneTimeToken(
  db: Database,
  input: { purpose: Purpose; userId: string | null; ttlMs: number; now: Date },
): Promise<string> {
  return (await issueReferencedOneTimeToken(db, input)).token;
}

/**
 * Issues a token that a feature's own row points at (by `id`), for features that keep a record of each link beside the
 * token, such as login links: the token decides whether the link still works, the row says who issued it and why.
 */
export async function issueReferencedOneTimeToken(
  db: Database,
  input: { purpose: Purpose; userId: string | null; ttlMs: number; now: Date },
): Promise<{ id: string; token: string }> {
  const token = randomSecret();
  const [row] = await db
    .insert(oneTimeTokens)
    .values({
      purpose: input.purpose,
      tokenHash: hashSecret(token),
      userId: input.userId,
      createdAt: input.now,
      expiresAt: new Date(input.now.getTime() + input.ttlMs),
    })
    .returning({ id: oneTimeTokens.id });
  return { id: row!.id, token };
}

/**
 * Makes `secret`, which the caller chose (a short code bound to its account), the person's one unused token of this
 * purpose: the earlier unused ones stop working.
 */
export async function replaceOneTimeToken(
  db: Database,
  input: { purpose: Purpose; userId: string; secret: string; ttlMs: number; now: Date },
): Promise<void> {
  await db
    .delete(oneTimeTokens)
    .where(and(eq(oneTimeTokens.userId, input.userId), eq(oneTimeTokens.purpose, input.purpose), isNull(oneTimeTokens.usedAt)));
  await db.insert(oneTimeTokens).values({
    purpose: input.purpose,
    tokenHash: hashSecret(input.secret),
    userId: input.userId,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + input.ttlMs),
  });
}

/** Whether a token would still be accepted, without spending it: for pages that explain a dead link up front. */
export async function isOneTimeTokenUsable(db: Database, purpose: Purpose, token: string, now: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: oneTimeTokens.id })
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.tokenHash, hashSecret(token)),
        eq(oneTimeTokens.purpose, purpose),
        isNull(oneTimeTokens.usedAt),
        gt(oneTimeTokens.expiresAt, now),
      ),
    );
  return row !== undefined;
}

/**
 * Spends a token: the check and the spending are one UPDATE, so under any concurrency exactly one caller gets the
 * row back. Returns null for unknown, expired, already used and withdrawn tokens alike, and for a token issued for
 * another purpose: a login link is no password reset.
 */
export async function consumeOneTimeToken(db: Database, purpose: Purpose, token: string, now: Date) {
  const [row] = await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(oneTimeTokens.tokenHash, hashSecret(token)),
        eq(oneTimeTokens.purpose, purpose),
        isNull(oneTimeTokens.usedAt),
        gt(oneTimeTokens.expiresAt, now),
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * Withdraws every link sent to this person's address that they have not used yet (set-password, reset, email
 * verification). Login links are not among them: their feature withdraws them itself, recording it on its own row.
 */
export async function endUnusedOneTimeTokens(db: Database, userId: string): Promise<number> {
  const ended = await db
    .delete(oneTimeTokens)
    .where(and(eq(oneTimeTokens.userId, userId), inArray(oneTimeTokens.purpose, LINKS_TO_THE_ADDRESS), isNull(oneTimeTokens.usedAt)))
    .returning({ id: oneTimeTokens.id });
  return ended.length;
}

/** Withdraws the given tokens if they were not used yet: they stop working at once. A used token stays as it is. */
export async function withdrawOneTimeTokens(db: Database, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const withdrawn = await db
    .delete(oneTimeTokens)
    .where(and(inArray(oneTimeTokens.id, ids), isNull(oneTimeTokens.usedAt)))
    .returning({ id: oneTimeTokens.id });
  return withdrawn.length;
}

/**
 * An account that will never be active again loses its unused links. Disabling keeps them, as do the sign-outs:
 * a link cannot be used while the account is disabled, and works again once it is enabled.
 */
registerAccessHolder({
  name: 'one_time_tokens',
  ignores: ['disabled', 'signed_out_everywhere', 'sessions_ended_by_admin'],
  end: (tx, { userId }) => endUnusedOneTimeTokens(tx, userId),
});

/**
 * One-time tokens (links, including the decoys forgot-password issues for unknown addresses) go `tokensDays` after
 * they were used or expired. A feature row that points at one (a login link) keeps its own record: its reference
 * becomes null.
 */
registerRetention({
  name: 'tokens',
  async prune(db, retention, now) {
    const cutoff = retentionCutoff(now, retention.tokensDays);
    const deleted = await db
      .delete(oneTimeTokens)
      // A used token was used before it expired: either date past the cutoff means it is done with.
      .where(or(lt(oneTimeTokens.expiresAt, cutoff), lt(oneTimeTokens.usedAt, cutoff)))
      .returning({ id: oneTimeTokens.id });
    return deleted.length;
  },
});
