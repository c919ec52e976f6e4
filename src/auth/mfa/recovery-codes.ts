import { randomInt } from 'node:crypto';
import { and, count, eq, gt, isNull, or } from 'drizzle-orm';
import type { Database } from '../../platform/db.js';
import { hashSecret } from '../../platform/crypto.js';
import { mfaRecoveryCodes } from './schema.js';

export const RECOVERY_CODE_COUNT = 10;
/** An administrator's code is meant to be used within days; after that the person asks again. */
export const ADMIN_RECOVERY_CODE_TTL_MS = 7 * 24 * 60 * 60_000;

// No 0/O or 1/I/L: people copy these from paper.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** 16 characters from 31 symbols: about 79 bits, far beyond guessing even before throttling. */
function newRecoveryCode(): string {
  const groups = Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}

/** What people type may differ in case, spaces and dashes from what they were shown. */
const normalise = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
const recoveryHash = (userId: string, code: string) => hashSecret(`${userId}:${normalise(code)}`);

/** A new set of codes; the previous set stops working. Shown once: only hashes are kept. */
export async function regenerateRecoveryCodes(tx: Database, userId: string, now: Date): Promise<string[]> {
  await tx.delete(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.kind, 'set')));
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx
    .insert(mfaRecoveryCodes)
    .values(codes.map((code) => ({ userId, kind: 'set' as const, codeHash: recoveryHash(userId, code), createdAt: now })));
  return codes;
}

/** Seed 001: one code for someone who lost their second factor. A newer one replaces any unused older one. */
export async function issueAdminRecoveryCode(
  tx: Database,
  input: { userId: string; issuedBy: string | null; now: Date },
): Promise<{ code: string; expiresAt: Date }> {
  await tx
    .delete(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, input.userId), eq(mfaRecoveryCodes.kind, 'admin_issued'), isNull(mfaRecoveryCodes.usedAt)));
  const code = newRecoveryCode();
  const expiresAt = new Date(input.now.getTime() + ADMIN_RECOVERY_CODE_TTL_MS);
  await tx.insert(mfaRecoveryCodes).values({
    userId: input.userId,
    kind: 'admin_issued',
    codeHash: recoveryHash(input.userId, code),
    issuedBy: input.issuedBy,
    createdAt: input.now,
    expiresAt,
  });
  return { code, expiresAt };
}

/** Spends a code in the statement that checks it: under any concurrency, one use at most. */
export async function consumeRecoveryCode(
  db: Database,
  userId: string,
  code: string,
  now: Date,
): Promise<{ kind: 'set' | 'admin_issued' } | null> {
  if (normalise(code).length !== GROUPS * GROUP_LENGTH) return null;
  const [row] = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(mfaRecoveryCodes.userId, userId),
        eq(mfaRecoveryCodes.codeHash, recoveryHash(userId, code)),
        isNull(mfaRecoveryCodes.usedAt),
        or(isNull(mfaRecoveryCodes.expiresAt), gt(mfaRecoveryCodes.expiresAt, now)),
      ),
    )
    .returning({ kind: mfaRecoveryCodes.kind });
  return row ?? null;
}

export async function remainingRecoveryCodes(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.kind, 'set'), isNull(mfaRecoveryCodes.usedAt)));
  return row?.n ?? 0;
}
