import { z } from 'zod';
import { auditContext, replyToSignIn, signInReplySchema } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { setupFields } from './fields.js';
import { checkSetupLink, completeSetup, instanceHasUsers } from './service.js';

export function setupRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/setup',
    {
      schema: {
        tags: ['Setup'],
        summary: 'Whether the instance still needs its first administrator',
        response: { 200: z.object({ setupRequired: z.boolean() }) },
      },
    },
    async () => ({ setupRequired: !(await instanceHasUsers(deps.db)) }),
  );

  app.post(
    '/api/v1/setup/check',
    {
      schema: {
        tags: ['Setup'],
        summary: 'Whether a setup link still works, without using it: 204, or 410 setup_link_invalid, or 409 setup_complete',
        description: 'A POST so the token stays out of addresses and logs.',
        body: z.object({ token: setupFields.token }),
        response: { 204: z.null(), ...errorResponses(400, 409, 410) },
      },
    },
    async (request, reply) => {
      await checkSetupLink(deps.db, request.body.token, new Date());
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/setup',
    {
      schema: {
        tags: ['Setup'],
        summary: 'Create the first administrator with the one-time setup link',
        body: z.object(setupFields),
        response: { 201: signInReplySchema, ...errorResponses(400, 409, 410) },
      },
    },
    async (request, reply) => {
      const result = await completeSetup(deps.db, auditContext(request), request.body, deps.config);
      return reply.status(201).send(await replyToSignIn(reply, deps, result));
    },
  );
}
