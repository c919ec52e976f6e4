import { z } from 'zod';
import { auditContext, requireActor, requirePermission } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { CAPTURED_LOG_MESSAGE, sendTestMail } from './delivery.js';
import { getOutboxMessage, listOutbox, outboxDetailSchema, outboxItemSchema, retryMail } from './outbox.js';
import { MAIL_STATUSES } from './schema.js';
import { mailDeliveryMode } from './settings.js';
import { wakeMailWorkers } from './worker.js';
import { testEmailFields } from './fields.js';

/** Who may read the outbox, and which links it shows, is decided in ./outbox.ts, next to the rows it guards. */
export function mailRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/mail/status',
    {
      schema: {
        tags: ['Mail'],
        summary: 'Whether mail is delivered over SMTP or captured in the dev mailbox (needs settings.manage)',
        response: {
          200: z.object({ mailDelivery: z.enum(['smtp', 'captured']), source: z.enum(['environment', 'settings']).nullable() }),
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => {
      requirePermission(request, 'settings.manage');
      const mailDelivery = await mailDeliveryMode(deps.db, deps.config);
      const source = mailDelivery === 'captured' ? null : deps.config.mail.smtpUrl ? ('environment' as const) : ('settings' as const);
      return { mailDelivery, source };
    },
  );

  app.get(
    '/api/v1/admin/mail/outbox',
    {
      schema: {
        tags: ['Mail'],
        summary: 'The outbox, newest first (needs mail.read; never for External users)',
        querystring: z.object({ ...pageQuery, status: z.enum(MAIL_STATUSES).optional() }),
        response: { 200: pageOf(outboxItemSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => listOutbox(deps.db, requireActor(request), request.query),
  );

  app.get(
    '/api/v1/admin/mail/outbox/:id',
    {
      schema: {
        tags: ['Mail'],
        summary: 'One message as rendered, with its links (needs mail.read)',
        description:
          'A live link or code shows only on a captured message of an instance in development mode (the dev mailbox); ' +
          'on every other message it is replaced by a mark.',
        params: z.object({ id: z.string().max(64) }),
        response: { 200: outboxDetailSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => getOutboxMessage(deps.db, deps.config, requireActor(request), request.params.id),
  );

  app.post(
    '/api/v1/admin/mail/outbox/:id/retry',
    {
      schema: {
        tags: ['Mail'],
        summary: 'Queue a failed message again for a fresh round of attempts (needs mail.read)',
        params: z.object({ id: z.string().max(64) }),
        response: { 200: outboxDetailSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const row = await retryMail(deps.db, auditContext(request), actor, request.params.id);
      wakeMailWorkers();
      return getOutboxMessage(deps.db, deps.config, actor, row.id);
    },
  );

  app.post(
    '/api/v1/admin/settings/mail/test',
    {
      schema: {
        tags: ['Mail'],
        summary: 'Send a test email now and report the SMTP server’s answer',
        description:
          'Answers `{ok: true, status: "sent"}`, or `status: "captured"` when no SMTP is configured (the message is then ' +
          'in the dev mailbox). 422 `smtp_failed` carries the SMTP error in words; 422 `email_domain_not_allowed` when the ' +
          'address is outside the allowed domains.',
        body: z.object(testEmailFields),
        response: {
          200: z.object({ ok: z.literal(true), id: z.string(), status: z.enum(['sent', 'captured']) }),
          ...errorResponses(400, 401, 403, 409, 422),
        },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'settings.manage');
      const result = await sendTestMail(deps.db, deps.config, auditContext(request), { to: request.body.to, requestedBy: actor.user.name });
      if (result.status === 'captured') request.log.info({ messageId: result.id, to: request.body.to, template: 'test' }, CAPTURED_LOG_MESSAGE);
      return { ok: true as const, ...result };
    },
  );
}
