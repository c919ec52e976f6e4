import { and, count, isNull, sql } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { invitations } from './schema.js';

/**
 * For the administrator's home: the invitations its Pending invitations list shows (not accepted, not withdrawn;
 * expired ones stay there to be resent), and how many were ever made.
 */
export async function invitationCounts(db: Database): Promise<{ pending: number; ever: number }> {
  const open = and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));
  const [row] = await db
    .select({ ever: count(), pending: sql<number>`count(*) filter (where ${open})`.mapWith(Number) })
    .from(invitations);
  return { pending: row?.pending ?? 0, ever: row?.ever ?? 0 };
}
