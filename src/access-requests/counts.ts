import { and, count, eq, isNull } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { accessRequests } from './schema.js';

/** Requests nobody has decided yet (declined ones are soft-deleted and do not wait for anyone). */
export async function countPendingAccessRequests(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(accessRequests)
    .where(and(eq(accessRequests.status, 'pending'), isNull(accessRequests.deletedAt)));
  return row?.n ?? 0;
}
