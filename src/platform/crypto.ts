import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 bits of randomness, URL-safe: every bearer secret Foyer hands out is one of these. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/** A public identifier that lets us find a token row without using the secret as a lookup key. */
export const randomId = (): string => randomBytes(16).toString('base64url');

/** Secrets are stored only as SHA-256: they are already 256-bit random, so a slow hash adds nothing. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
