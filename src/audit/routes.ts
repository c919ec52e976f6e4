import { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { requirePermission } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import type { Database } from '../platform/db.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { csvHeader, csvRow } from './csv.js';
import { allAuditEvents, auditFilterQuery, listAuditEvents, type AuditFilters } from './log.js';

const auditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: z.string(),
    actorType: z.enum(['user', 'api_token', 'system', 'anonymous']),
    actorId: z.string().nullable(),
    actorName: z.string().nullable().describe('The person who acted (for an API token, the person it acts for), as named now; null when unknown or deleted.'),
    actorTokenName: z.string().nullable().describe('The API token the actor used, when they used one.'),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    targetName: z.string().nullable().describe('The person, group, role, app or token acted on, as named now; null when unknown or deleted.'),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });

async function* csvLines(db: Database, filters: AuditFilters, log: FastifyBaseLogger): AsyncGenerator<string> {
  yield csvHeader();
  try {
    for await (const batch of allAuditEvents(db, filters)) yield batch.map(csvRow).join('');
  } catch (error) {
    // The status line has gone out: the file ends early, and the log says why.
    log.error({ err: error }, 'audit export failed');
    throw error;
  }
}

export function auditRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/audit-events',
    {
      schema: {
        tags: ['Audit'],
        summary: 'The audit log, newest first (needs audit.read)',
        querystring: z.object({ ...pageQuery, ...auditFilterQuery }),
        response: { 200: pageOf(auditEventSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      // Events carry people's emails and names in their details.
      authorizeSeeingPeople(requirePermission(request, 'audit.read'));
      const { limit, cursor, ...filters } = request.query;
      return listAuditEvents(deps.db, filters, { limit, cursor });
    },
  );

  app.get(
    '/api/v1/admin/audit-events.csv',
    {
      schema: {
        tags: ['Audit'],
        summary: 'The audit events the same filters select, all of them, as a CSV file (needs audit.read)',
        description:
          'Columns: id, occurredAt, action, actorType, actorId, actorName, actorTokenName, targetType, targetId, targetName, ip, userAgent, details (JSON). ' +
          'A cell that starts with = + - or @ is opened with a quote so spreadsheets read it as text.',
        querystring: z.object(auditFilterQuery),
        response: { 200: { content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      authorizeSeeingPeople(requirePermission(request, 'audit.read'));
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="foyer-audit-${day}.csv"`)
        .header('cache-control', 'no-store')
                // Lines of CSV; the type provider only knows bodies that are serialised whole.
        .send(Readable.from(csvLines(deps.db, request.query, request.log)) as never);
    },
  );
}
