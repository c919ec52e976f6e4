import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { users } from '../accounts/index.js';
import { invitations } from './schema.js';

export const invitationItemSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    roles: z.array(z.object({ id: z.string(), name: z.string() })).describe('The pre-assigned roles'),
    invitedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    expiresAt: z.string(),
    status: z.enum(['pending', 'expired']).describe('expired: the link no longer works; "Send invite" issues a fresh one'),
  })
  .meta({ id: 'PendingInvitation' });

const cursorShape = z.tuple([z.iso.datetime(), z.uuid()]);

/** Invitations not yet accepted nor withdrawn, newest first (the Pending Invitations section, seed 004). */
export async function listPendingInvitations(db: Database, query: { limit: number; cursor?: string }, now: Date) {
  const after = decodeCursor(query.cursor, cursorShape);
  const inviter = alias(users, 'inviter');
  const rows = await db
    .select({
      invitation: invitations,
      name: users.name,
      inviterName: inviter.name,
      roles: sql<{ id: string; name: string }[]>`coalesce((
        select json_agg(json_build_object('id', r.id, 'name', r.name) order by r.name)
        from roles r where r.id = any(${invitations.roleIds})), '[]'::json)`,
    })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .leftJoin(inviter, eq(inviter.id, invitations.invitedBy))
    .where(
      and(
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        after ? sql`(${invitations.createdAt}, ${invitations.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.invitation.createdAt.toISOString(), r.invitation.id]);
  return {
    items: page.items.map((r) => ({
      id: r.invitation.id,
      userId: r.invitation.userId,
      name: r.name,
      email: r.invitation.email,
      roles: r.roles,
      invitedBy: r.invitation.invitedBy && r.inviterName ? { id: r.invitation.invitedBy, name: r.inviterName } : null,
      createdAt: r.invitation.createdAt.toISOString(),
      sentAt: r.invitation.sentAt?.toISOString() ?? null,
      expiresAt: r.invitation.expiresAt.toISOString(),
      status: r.invitation.expiresAt > now ? ('pending' as const) : ('expired' as const),
    })),
    nextCursor: page.nextCursor,
  };
}
