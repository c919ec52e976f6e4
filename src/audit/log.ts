import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { isoDate } from '../platform/http.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { nameEvent, partyNames } from './names.js';
import { auditEvents, type AuditEventRow } from './schema.js';

/** The filters the log screen and its CSV export share, so the file holds exactly the rows on screen. */
export const auditFilterQuery = {
  actorId: z.string().max(100).optional(),
  targetId: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  action: z.string().max(100).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
};

export type AuditFilters = { [K in keyof typeof auditFilterQuery]?: string };

function conditions(f: AuditFilters, beforeId?: number): SQL | undefined {
  return and(
    beforeId !== undefined ? lt(auditEvents.id, beforeId) : undefined,
    f.actorId ? eq(auditEvents.actorId, f.actorId) : undefined,
    f.targetId ? eq(auditEvents.targetId, f.targetId) : undefined,
    f.targetType ? eq(auditEvents.targetType, f.targetType) : undefined,
    f.action ? eq(auditEvents.action, f.action) : undefined,
    f.since ? gte(auditEvents.occurredAt, new Date(f.since)) : undefined,
    f.until ? lte(auditEvents.occurredAt, new Date(f.until)) : undefined,
  );
}

const newestFirst = (db: Database, f: AuditFilters, limit: number, beforeId?: number) =>
  db.select().from(auditEvents).where(conditions(f, beforeId)).orderBy(desc(auditEvents.id)).limit(limit);

/** Events with their parties named as they are called now (null once a party is deleted). */
async function withNames(db: Database, rows: AuditEventRow[]) {
  const names = await partyNames(db, rows);
  return rows.map((e) => ({ ...e, id: String(e.id), occurredAt: isoDate(e.occurredAt), ...nameEvent(names, e) }));
}

export type NamedAuditEvent = Awaited<ReturnType<typeof withNames>>[number];

export async function listAuditEvents(db: Database, filters: AuditFilters, page: { limit: number; cursor?: string }) {
  const before = decodeCursor(page.cursor, z.tuple([z.number().int()]));
  const rows = await newestFirst(db, filters, page.limit + 1, before?.[0]);
  const { items, nextCursor } = paginate(rows, page.limit, (e) => [e.id]);
  return { items: await withNames(db, items), nextCursor };
}

const EXPORT_BATCH = 1000;

/** Every event the filters match, newest first, a batch at a time so an export of years holds one batch in memory. */
export async function* allAuditEvents(db: Database, filters: AuditFilters): AsyncGenerator<NamedAuditEvent[]> {
  let before: number | undefined;
  for (;;) {
    const rows = await newestFirst(db, filters, EXPORT_BATCH, before);
    if (rows.length > 0) yield await withNames(db, rows);
    if (rows.length < EXPORT_BATCH) return;
    before = rows[rows.length - 1]!.id;
  }
}
