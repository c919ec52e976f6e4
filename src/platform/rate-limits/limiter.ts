import { sql } from 'drizzle-orm';
import type { Database } from '../db.js';
import { FoyerError } from '../errors.js';
import { rateLimitHits } from './schema.js';

export interface RateLimit {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

/**
 * Counts one hit against `key` and refuses with 429 once the window's limit is passed. The increment is a single
 * upsert, so concurrent requests on any number of instances are all counted.
 */
export async function consumeRateLimit(db: Database, key: string, rule: RateLimit, now: Date): Promise<void> {
  const windowStart = new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
  const [row] = await db
    .insert(rateLimitHits)
    .values({ key, windowStart, hits: 1 })
    .onConflictDoUpdate({
      target: [rateLimitHits.key, rateLimitHits.windowStart],
      set: { hits: sql`${rateLimitHits.hits} + 1` },
    })
    .returning({ hits: rateLimitHits.hits });
  if (row!.hits > rule.limit) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + rule.windowMs - now.getTime()) / 1000));
    throw new FoyerError(429, 'rate_limited', 'Too many attempts. Wait a moment and try again.', {
      headers: { 'retry-after': String(retryAfter) },
      details: { retryAfterSeconds: retryAfter },
    });
  }
}

/** Old windows are only history; any instance may sweep them. */
export async function pruneRateLimits(db: Database, olderThan: Date): Promise<void> {
  await db.delete(rateLimitHits).where(sql`${rateLimitHits.windowStart} < ${olderThan}`);
}
