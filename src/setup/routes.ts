import { z } from 'zod';
import { auditContext, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, replyToSignIn, signInReplySchema } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { newUserFields } from '../users/index.js';
import { completeSetup, instanceHasUsers } from './service.js';

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
    '/api/v1/setup',
    {
      schema: {
        tags: ['Setup'],
        summary: 'Create the first administrator with the one-time setup link',
        body: z.object({
          token: z.string().min(1).max(200),
          ...newUserFields,
          password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH),
        }),
        response: { 201: signInReplySchema, ...errorResponses(400, 409, 410) },
      },
    },
    async (request, reply) => {
      const result = await completeSetup(deps.db, auditContext(request), request.body, deps.config);
      return reply.status(201).send(await replyToSignIn(reply, deps, result));
    },
  );
}
