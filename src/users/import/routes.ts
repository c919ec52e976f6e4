import { Readable } from 'node:stream';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditContext, requirePermission } from '../../auth/index.js';
import { authorizeSeeingPeople } from '../../accounts/index.js';
import { assertMailConfigured } from '../../mail/index.js';
import { FoyerError } from '../../platform/errors.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { IMPORT_TEMPLATE, fileTooLarge, limitBytes, openCsv } from './csv.js';
import { ROW_CODES, ROW_OUTCOMES, type RowResult } from './rows.js';
import { importUsers, type ImportEvent } from './service.js';

/** Uploads are streamed, so this bounds the request, not memory. Documented in docs/users-import.md. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const NDJSON = 'application/x-ndjson';

const rowResultSchema = z
  .object({
    row: z.number().int().describe('Line number in the file; the header is row 1.'),
    outcome: z.enum(ROW_OUTCOMES),
    email: z.string().optional(),
    userId: z.string().optional().describe('Only for rows created by a real (not dry) run.'),
    code: z.enum(ROW_CODES).optional().describe('Why the row was skipped or failed.'),
    reason: z.string().optional(),
    invitation: z
      .enum(['queued', 'blocked'])
      .optional()
      .describe('Only with invite=true, on created rows: the invitation email is queued, or blocked (its domain is not allowed; reason says so).'),
  })
  .meta({ id: 'UserImportRowResult' });

const summarySchema = z
  .object({ created: z.number().int(), skipped: z.number().int(), failed: z.number().int(), total: z.number().int() })
  .meta({ id: 'UserImportSummary' });

const stopErrorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
  .describe('Present when the file could not be read to its end (csv_malformed, file_too_large, upload_interrupted): rows before that point were imported.');

const importReportSchema = z
  .object({ dryRun: z.boolean(), summary: summarySchema, results: z.array(rowResultSchema), error: stopErrorSchema.optional() })
  .meta({ id: 'UserImportReport' });

const progressLineSchema = z
  .discriminatedUnion('type', [
    rowResultSchema.extend({ type: z.literal('row') }),
    z.object({ type: z.literal('summary'), dryRun: z.boolean(), summary: summarySchema, error: stopErrorSchema.optional() }),
    z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
  ])
  .meta({
    id: 'UserImportProgressLine',
    description: 'One JSON object per line: a "row" line for every row as its batch is settled, then one "summary" line (or, if the server fails, one "error" line).',
  });

const csvBody = z.unknown().meta({
  type: 'string',
  description: 'The CSV file, header first: name,email,username[,roles][,groups]. Roles and groups are names separated by ";".',
});

const isCsv = (request: FastifyRequest) => request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === 'text/csv';

const unsupportedMediaType = () =>
  new FoyerError(415, 'unsupported_media_type', 'Send the file as the request body with Content-Type: text/csv.');

const wantsProgress = (request: FastifyRequest) => request.headers.accept?.toLowerCase().includes(NDJSON) ?? false;

async function* progressLines(events: AsyncIterable<ImportEvent>, log: FastifyBaseLogger): AsyncGenerator<string> {
  try {
    for await (const event of events) {
      yield event.type === 'rows'
        ? event.results.map((r: RowResult) => `${JSON.stringify({ type: 'row', ...r })}\n`).join('')
        : `${JSON.stringify(event)}\n`;
    }
  } catch (error) {
    // The status line has long gone out; the last line is all that can still tell the client.
    log.error({ err: error }, 'user import failed');
    yield `${JSON.stringify({ type: 'error', error: { code: 'internal_error', message: 'Something went wrong on our side. Rows reported above stay as reported.' } })}\n`;
  }
}

export function userImportRoutes(app: FoyerApp, deps: AppDeps): void {
  // Encapsulated: the raw-stream CSV parser must not apply to any other route.
  app.register(async (plugin) => {
    const scoped = plugin as FoyerApp;
    scoped.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

    scoped.get(
      '/api/v1/admin/users/import-template',
      {
        schema: {
          tags: ['Users'],
          summary: 'CSV template for importing users (needs users.create)',
          response: { 200: { content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(401, 403) },
        },
      },
      async (request, reply) => {
        authorizeSeeingPeople(requirePermission(request, 'users.create'));
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="foyer-users-template.csv"')
          .send(IMPORT_TEMPLATE);
      },
    );

    scoped.post(
      '/api/v1/admin/users/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        // Only CSV is streamed; any other body would be buffered whole under the raised limit, even for anonymous callers.
        preParsing: async (request) => {
          if (!isCsv(request)) throw unsupportedMediaType();
        },
        schema: {
          tags: ['Users'],
          summary: 'Import users from CSV (needs users.create)',
          description:
            'Streams the file in batches. Each row is created (Pending Setup), skipped (email or username already has an account) or failed (with a reason). ' +
            `Send Accept: ${NDJSON} to receive one line per row as the import runs, then a summary line. At most 64 MiB. ` +
            'With invite=true each created person is also sent an invitation email; 409 `mail_not_configured` when a production instance has no SMTP.',
          consumes: ['text/csv'],
          querystring: z.object({
            dryRun: z.enum(['true', 'false']).default('false').describe('true: check every row and write nothing.'),
            invite: z
              .enum(['true', 'false'])
              .default('false')
              .describe('true: send each new person an invitation email (queued in the outbox, naming you and the organisation).'),
          }),
          body: csvBody,
          response: {
            200: { content: { 'application/json': { schema: importReportSchema }, [NDJSON]: { schema: progressLineSchema } } },
            ...errorResponses(400, 401, 403, 409, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const actor = requirePermission(request, 'users.create');
        authorizeSeeingPeople(actor);
        const upload = request.body;
        if (!(upload instanceof Readable)) throw unsupportedMediaType();
        if (Number(request.headers['content-length']) > IMPORT_BODY_LIMIT) throw fileTooLarge(IMPORT_BODY_LIMIT);
        const dryRun = request.query.dryRun === 'true';
        const invite = request.query.invite === 'true';
        // Refused before any row is read: a production import must not create people whose invitations go nowhere.
        if (invite) await assertMailConfigured(deps.db, deps.config);
        const { rows } = await openCsv(limitBytes(upload, IMPORT_BODY_LIMIT));
        const events = importUsers(deps.db, auditContext(request), actor, rows, { dryRun, invite, config: deps.config });

        if (wantsProgress(request)) {
          return reply
            .type(NDJSON)
            .header('cache-control', 'no-store')
            // Reverse proxies would otherwise hold the lines back until the end.
            .header('x-accel-buffering', 'no')
            // Lines of progressLineSchema; the type provider only knows bodies that are serialised whole.
            .send(Readable.from(progressLines(events, request.log)) as never);
        }
        const results: RowResult[] = [];
        for await (const event of events) {
          if (event.type === 'rows') results.push(...event.results);
          else return { dryRun, summary: event.summary, results, ...(event.error ? { error: event.error } : {}) };
        }
        throw new Error('the import ended without a summary');
      },
    );
  });
}
