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

/** Splits `id.secret`, the shape of every bearer token Foyer issues after its prefix. */
export function splitToken(token: string, prefix = ''): { id: string; secret: string } | null {
  if (!token.startsWith(prefix)) return null;
  const [id, secret, extra] = token.slice(prefix.length).split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  return { id, secret };
}
