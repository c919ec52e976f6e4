import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { recordAudit } from '../audit/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { auditContext, requirePermission } from '../auth/index.js';
import { embeddedClient } from '../platform/db.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { backupFileName, notEmbedded, snapshotEmbedded } from './service.js';

export function backupRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/backup',
    {
      schema: {
        tags: ['Instance'],
        summary: 'Download a consistent snapshot of the embedded database (needs instance.backup)',
        description:
          'A gzipped tarball of the PGlite data directory, restored with `npm run foyer -- restore <file>`. It holds every ' +
          'account, credential hash, setting and audit event, but not the secret key (FOYER_SECRET_KEY or secret.key). ' +
          'On PostgreSQL the answer is 409 backup_not_embedded: use pg_dump.',
        response: { 200: { content: { 'application/gzip': { schema: z.string().meta({ format: 'binary' }) } } }, ...errorResponses(401, 403, 409) },
      },
    },
    async (request, reply) => {
      // A backup holds every person and credential hash: never for External users, whatever they hold.
      authorizeSeeingPeople(requirePermission(request, 'instance.backup'));
      const client = embeddedClient(deps.db);
      if (!client) throw notEmbedded();
      const context = auditContext(request);
      const snapshot = await snapshotEmbedded(client);
      await recordAudit(deps.db, context, { action: 'instance.backup_downloaded', details: { bytes: snapshot.size } });
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${backupFileName(context.now)}"`)
        .header('cache-control', 'no-store')
        .send(Readable.fromWeb(snapshot.stream() as WebReadableStream) as never);
    },
  );
}
