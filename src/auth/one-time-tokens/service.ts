import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database } from '../../platform/db.js';
import { hashSecret, randomSecret } from '../../platform/crypto.js';
import { oneTimeTokens } from './schema.js';

type Purpose = (typeof oneTimeTokens.$inferInsert)['purpose'];

export async function issueOneTimeToken(
  db: Database,
  input: { purpose: Purpose; userId: string | null; ttlMs: number; now: Date },
): Promise<string> {
  const token = randomSecret();
  await db.insert(oneTimeTokens).values({
    purpose: input.purpose,
    tokenHash: hashSecret(token),
    userId: input.userId,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + input.ttlMs),
  });
  return token;
}

/**
 * Spends a token: the check and the spending are one UPDATE, so under any concurrency exactly one caller gets the
 * row back. Returns null for unknown, expired or already used tokens alike.
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
