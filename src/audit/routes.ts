import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { errorResponses, isoDate, type AppDeps, type FoyerApp } from '../platform/http.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../platform/paging.js';
import { auditEvents } from './schema.js';

const auditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: z.string(),
    actorType: z.enum(['user', 'api_token', 'system', 'anonymous']),
    actorId: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

export function auditRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/audit-events',
    {
      schema: {
        tags: ['Audit'],
        summary: 'The audit log, newest first (needs audit.read)',
        querystring: z.object({
          ...pageQuery,
          actorId: z.string().max(100).optional(),
          targetId: z.string().max(100).optional(),
          targetType: z.string().max(50).optional(),
          action: z.string().max(100).optional(),
          since: z.iso.datetime().optional(),
          until: z.iso.datetime().optional(),
        }),
        response: { 200: pageOf(auditEventSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      // Events carry people's emails and names in their details.
      authorizeSeeingPeople(requirePermission(request, 'audit.read'));
      const q = request.query;
      const before = decodeCursor(q.cursor, z.tuple([z.number().int()]));
      const conditions: (SQL | undefined)[] = [
        before ? lt(auditEvents.id, before[0]) : undefined,
        q.actorId ? eq(auditEvents.actorId, q.actorId) : undefined,
        q.targetId ? eq(auditEvents.targetId, q.targetId) : undefined,
        q.targetType ? eq(auditEvents.targetType, q.targetType) : undefined,
        q.action ? eq(auditEvents.action, q.action) : undefined,
        q.since ? gte(auditEvents.occurredAt, new Date(q.since)) : undefined,
        q.until ? lte(auditEvents.occurredAt, new Date(q.until)) : undefined,
      ];
      const rows = await deps.db
        .select()
        .from(auditEvents)
        .where(and(...conditions))
        .orderBy(desc(auditEvents.id))
        .limit(q.limit + 1);
      const page = paginate(rows, q.limit, (e) => [e.id]);
      return {
        items: page.items.map((e) => ({ ...e, id: String(e.id), occurredAt: isoDate(e.occurredAt) })),
        nextCursor: page.nextCursor,
      };
    },
  );
}
