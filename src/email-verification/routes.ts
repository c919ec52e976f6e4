import { z } from 'zod';
import { auditContext, requireActor } from '../auth/index.js';
import { wakeMailWorkers } from '../mail/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { verifyEmailFields } from './fields.js';
import { resendVerificationCode, verifyEmail } from './service.js';

const tags = ['Current user'];

export function emailVerificationRoutes(app: FoyerApp, deps: AppDeps): void {
  app.post(
    '/api/v1/me/email/verify',
    {
      schema: {
        tags,
        summary: 'Confirm your email address with the 6-digit code mailed to it',
        description: '400 `verification_code_invalid`; 409 `email_already_verified`; 429 after 10 attempts in an hour.',
        body: z.object(verifyEmailFields),
        response: { 204: z.null(), ...errorResponses(400, 401, 409, 429) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      await verifyEmail(deps.db, auditContext(request), actor.user.id, request.body.code);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/email/verification',
    {
      schema: {
        tags,
        summary: 'Send a new confirmation code to your email address; earlier codes stop working',
        description: '409 `email_already_verified`; 429 after 5 in an hour. `mail` is `blocked` when the address is outside the allowed domains.',
        response: {
          202: z.object({ mail: z.enum(['queued', 'blocked']), mailReason: z.string().nullable() }),
          ...errorResponses(401, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const sent = await resendVerificationCode(deps.db, auditContext(request), deps, actor.user.id);
      wakeMailWorkers();
      return reply.status(202).send(sent);
    },
  );
}
