import { z } from 'zod';
import { errorResponses, isoDate, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { authorizeSeeingPeople } from '../../accounts/index.js';
import { requireRecentSignIn } from '../recent-sign-in.js';
import { auditContext, requireActor, requirePermission } from '../request.js';
import { generateOwnRecoveryCodes, issueRecoveryCodeTo } from './recovery.js';
import { changeReply } from './route-schemas.js';

export function ownRecoveryCodeRoutes(app: FoyerApp, deps: AppDeps): void {
  app.post(
    '/api/v1/me/recovery-codes',
    {
      schema: {
        tags: ['Two-factor'],
        summary: 'Generate ten new recovery codes (shown only here); the previous ones stop working',
        description: 'Needs a sign-in within the last 10 minutes.',
        response: { 200: changeReply.extend({ recoveryCodes: z.array(z.string()) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const now = new Date();
      const actor = requireActor(request);
      requireRecentSignIn(actor, now);
      return generateOwnRecoveryCodes(deps.db, auditContext(request, now), actor);
    },
  );
}

export function adminRecoveryCodeRoutes(app: FoyerApp, deps: AppDeps): void {
  app.post(
    '/api/v1/admin/users/:id/recovery-code',
    {
      schema: {
        tags: ['Users'],
        summary: 'Issue a one-time recovery code to a user who lost their second factor (needs users.update; shown only here)',
        description:
          'The code signs the person in once in place of a second factor, and replaces any unused code issued before. ' +
          'Where two-factor is required and they have none, they set one up straight after.',
        params: z.object({ id: z.string() }),
        response: { 201: z.object({ code: z.string(), expiresAt: z.string() }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      const issued = await issueRecoveryCodeTo(deps.db, auditContext(request), actor, request.params.id);
      return reply.status(201).send({ code: issued.code, expiresAt: isoDate(issued.expiresAt) });
    },
  );
}
