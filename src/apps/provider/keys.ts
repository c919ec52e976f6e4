import { generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import { and, asc, desc, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import { randomId } from '../../platform/crypto.js';
import { preparedQuery, type Database } from '../../platform/db.js';
import type { SecretBox } from '../../platform/secrets.js';
import { oidcKeys, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../schema.js';

/**
 * A retired key stays in the JWKS this long after rotation: longer than anything it signed lives (ID tokens 1 hour,
 * JWT access tokens 10 minutes, logout tokens 2 minutes), so apps can still verify what was issued before.
 */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 60 * 60 * 1000;

export interface EngineKeys {
  /** Changes whenever the key set does; instances compare it to pick up a rotation made elsewhere. */
  fingerprint: string;
  /** Private JWKs, signing keys first (the engine signs with the first key of each algorithm). */
  jwks: { keys: JsonWebKey[] };
  cookieKeys: string[];
}

function generate(algorithm: SigningAlgorithm): JsonWebKey {
  const pair =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return pair.privateKey.export({ format: 'jwk' });
}

const purpose = (id: string) => `oidc-key:${id}`;

async function insertSigningKeys(tx: Database, box: SecretBox, now: Date): Promise<void> {
  await tx.insert(oidcKeys).values(
    SIGNING_ALGORITHMS.map((algorithm) => {
      const id = randomId();
      const jwk = { ...generate(algorithm), kid: id, alg: algorithm, use: 'sig' };
      return { id, use: 'sig' as const, algorithm, sealedKey: box.seal(JSON.stringify(jwk), purpose(id)), createdAt: now };
    }),
  );
}

/** Serialises key creation across instances: two first starts together must not make two sets. */
const lockKeys = (tx: Database) => tx.execute(sql`lock table oidc_keys in share row exclusive mode`);

/** Creates the signing and cookie keys on first start. Sealing needs the instance key (platform/secrets.ts). */
export async function ensureEngineKeys(db: Database, box: SecretBox, now: Date): Promise<void> {
  const [existing] = await db.select({ id: oidcKeys.id }).from(oidcKeys).limit(1);
  if (existing) return;
  await db.transaction(async (tx) => {
    await lockKeys(tx);
    const [raced] = await tx.select({ id: oidcKeys.id }).from(oidcKeys).limit(1);
    if (raced) return;
    await insertSigningKeys(tx, box, now);
    const id = randomId();
    await tx.insert(oidcKeys).values({
      id,
      use: 'cookie',
      algorithm: 'HS256',
      sealedKey: box.seal(randomBytes(32).toString('base64url'), purpose(id)),
      createdAt: now,
    });
  });
}

// Read on every engine request, to notice a rotation made by any instance: prepared once.
const keyStates = preparedQuery('foyer_oidc_key_states', (db, name) =>
  db.select({ id: oidcKeys.id, retiredAt: oidcKeys.retiredAt }).from(oidcKeys).orderBy(asc(oidcKeys.id)).prepare(name),
);

export async function keyFingerprint(db: Database): Promise<string> {
  const rows = await keyStates(db).execute();
  return rows.map((r) => `${r.id}${r.retiredAt ? '-' : '+'}`).join(',');
}

export async function loadEngineKeys(db: Database, box: SecretBox): Promise<EngineKeys> {
  const rows = await db
    .select()
    .from(oidcKeys)
    .orderBy(sql`${oidcKeys.retiredAt} is not null`, desc(oidcKeys.createdAt), asc(oidcKeys.id));
  return {
    fingerprint: await keyFingerprint(db),
    jwks: { keys: rows.filter((r) => r.use === 'sig').map((r) => JSON.parse(box.open(r.sealedKey, purpose(r.id))) as JsonWebKey) },
    cookieKeys: rows.filter((r) => r.use === 'cookie').map((r) => box.open(r.sealedKey, purpose(r.id))),
  };
}

/**
 * `keys rotate`: new keys of every algorithm sign from now on; the previous ones are retired but stay published for
 * RETIRED_KEY_PUBLISHED_MS. Every instance picks the change up at its next request.
 */
export async function rotateSigningKeys(db: Database, box: SecretBox, now: Date): Promise<{ retired: number }> {
  return db.transaction(async (tx) => {
    await lockKeys(tx);
    const retired = await tx
      .update(oidcKeys)
      .set({ retiredAt: now })
      .where(and(eq(oidcKeys.use, 'sig'), isNull(oidcKeys.retiredAt)))
      .returning({ id: oidcKeys.id });
    await insertSigningKeys(tx, box, now);
    return { retired: retired.length };
  });
}

/** Housekeeping: keys retired long enough ago that nothing they signed is still valid leave the JWKS. */
export async function pruneRetiredKeys(db: Database, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - RETIRED_KEY_PUBLISHED_MS);
  const pruned = await db
    .delete(oidcKeys)
    .where(and(isNotNull(oidcKeys.retiredAt), lt(oidcKeys.retiredAt, cutoff)))
    .returning({ id: oidcKeys.id });
  return pruned.length;
}
