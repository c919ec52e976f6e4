import { randomInt } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db.js';
import { hashSecret } from '../../platform/crypto.js';
import { mfaCodes } from './schema.js';

/** Email and SMS codes: six digits, valid ten minutes, single use (issue 5). */
export const CODE_TTL_MS = 10 * 60_000;
/**
 * Wrong guesses a code survives. The count belongs to the person, not the code, and only a correct code resets it:
 * once it is reached, every fresh code is spent by its first wrong guess, so resending never buys more guesses.
 */
export const CODE_FAILURE_LIMIT = 5;

export type CodeChannel = 'email' | 'sms';
export type CodePurpose = 'sign_in' | 'enrol';

interface CodeKey {
  userId: string;
  channel: CodeChannel;
  purpose: CodePurpose;
}

// Six digits are guessable offline from a bare hash; binding it to the person and purpose at least stops one
// precomputed table from serving every row.
const codeHash = (key: CodeKey, code: string) => hashSecret(`${key.userId}:${key.channel}:${key.purpose}:${code}`);

const whereKey = (key: CodeKey) =>
  and(eq(mfaCodes.userId, key.userId), eq(mfaCodes.channel, key.channel), eq(mfaCodes.purpose, key.purpose));

/** A fresh code replaces the previous one (which stops working) and keeps the failure count. */
export async function issueCode(db: Database, key: CodeKey, now: Date): Promise<{ code: string; expiresAt: Date }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
  const hash = codeHash(key, code);
  await db
    .insert(mfaCodes)
    .values({ ...key, codeHash: hash, sentAt: now, expiresAt })
    .onConflictDoUpdate({
      target: [mfaCodes.userId, mfaCodes.channel, mfaCodes.purpose],
      set: { codeHash: hash, sentAt: now, expiresAt },
    });
  return { code, expiresAt };
}

/**
 * Spends the code if it is the current, unexpired one. Check and spending are one UPDATE, so of any number of
 * concurrent uses exactly one succeeds.
 */
export async function consumeCode(db: Database, key: CodeKey, code: string, now: Date): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const spent = await db
    .update(mfaCodes)
    .set({ codeHash: null, failedAttempts: 0 })
    .where(and(whereKey(key), eq(mfaCodes.codeHash, codeHash(key, code)), gt(mfaCodes.expiresAt, now)))
    .returning({ id: mfaCodes.id });
  return spent.length === 1;
}

/** Counts a wrong guess; the code is spent once the person's failures reach the limit. */
export async function countCodeFailure(db: Database, key: CodeKey): Promise<void> {
  await db
    .update(mfaCodes)
    .set({
      failedAttempts: sql`${mfaCodes.failedAttempts} + 1`,
      codeHash: sql`case when ${mfaCodes.failedAttempts} + 1 >= ${CODE_FAILURE_LIMIT} then null else ${mfaCodes.codeHash} end`,
    })
    .where(whereKey(key));
}
