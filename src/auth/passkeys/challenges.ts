import { and, eq, lte, sql } from 'drizzle-orm';
import type { Config } from '../../platform/config.js';
import { preparedQuery, type Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { webauthnChallenges, type WebAuthnPurpose } from './schema.js';

/** A ceremony must finish within five minutes of its options; the browser prompt times out at the same moment. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface RelyingParty {
  id: string;
  name: string;
  origin: string;
}

/** Passkeys are bound to the public URL: a key registered for one host name never signs for another. */
export const relyingPartyOf = (config: Config): RelyingParty => ({
  id: config.publicUrl.hostname,
  name: 'Foyer',
  origin: config.publicUrl.origin,
});

export const challengeInvalid = () =>
  new FoyerError(400, 'passkey_challenge_invalid', 'This passkey request expired or was already used. Please try again.');

// Every passkey sign-in stores one challenge and spends it: both statements are prepared once per connection.
const insertChallenge = preparedQuery('foyer_store_webauthn_challenge', (db, name) =>
  db
    .insert(webauthnChallenges)
    .values({
      challenge: sql.placeholder('challenge'),
      purpose: sql.placeholder('purpose'),
      userId: sql.placeholder('userId'),
      sessionId: sql.placeholder('sessionId'),
      createdAt: sql.placeholder('createdAt'),
      expiresAt: sql.placeholder('expiresAt'),
    })
    .prepare(name),
);

const deleteChallenge = preparedQuery('foyer_consume_webauthn_challenge', (db, name) =>
  db
    .delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.challenge, sql.placeholder('challenge')), eq(webauthnChallenges.purpose, sql.placeholder('purpose'))))
    .returning()
    .prepare(name),
);

export async function storeChallenge(
  db: Database,
  input: { challenge: string; purpose: WebAuthnPurpose; userId: string | null; sessionId: string | null; now: Date },
): Promise<void> {
  await insertChallenge(db).execute({
    challenge: input.challenge,
    purpose: input.purpose,
    userId: input.userId,
    sessionId: input.sessionId,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + CHALLENGE_TTL_MS),
  });
}

/** The challenge a WebAuthn response signed, read from its clientDataJSON; the signature check confirms it later. */
export function challengeOf(clientDataJSON: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    if (typeof parsed.challenge === 'string' && parsed.challenge.length > 0 && parsed.challenge.length <= 200) return parsed.challenge;
  } catch {
    // Falls through to the refusal below.
  }
  throw challengeInvalid();
}

/**
 * Spends the challenge a response answers: one `DELETE … RETURNING`, so of any number of concurrent verifications
 * of the same response exactly one gets the row. An expired row is spent too, and refused.
 */
export async function consumeChallenge(
  db: Database,
  input: { clientDataJSON: string; purpose: WebAuthnPurpose; now: Date },
): Promise<{ challenge: string; userId: string | null; sessionId: string | null }> {
  const [row] = await deleteChallenge(db).execute({ challenge: challengeOf(input.clientDataJSON), purpose: input.purpose });
  if (!row || row.expiresAt <= input.now) throw challengeInvalid();
  return { challenge: row.challenge, userId: row.userId, sessionId: row.sessionId };
}

/** Abandoned ceremonies leave rows behind; housekeeping sweeps them. */
export async function pruneExpiredChallenges(db: Database, now: Date): Promise<void> {
  await db.delete(webauthnChallenges).where(lte(webauthnChallenges.expiresAt, now));
}
