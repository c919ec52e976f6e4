import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/passwords/hashing.js';
import { auditContext, setSessionCookie } from '../auth/request.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { loadMe, meSchema } from '../users/views.js';
import { newUserFields } from '../users/fields.js';
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
        response: { 201: z.object({ user: meSchema }), ...errorResponses(400, 409, 410) },
      },
    },
    async (request, reply) => {
      const { userId, sessionToken } = await completeSetup(deps.db, auditContext(request), request.body);
      setSessionCookie(reply, deps, sessionToken);
      return reply.status(201).send({ user: await loadMe(deps.db, userId) });
    },
  );
}
