import { z } from 'zod';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { loadMe, meSchema } from '../../users/views.js';
import { auditContext, setSessionCookie } from '../request.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './hashing.js';
import { setPasswordWithToken } from './set-password.js';

export function passwordRoutes(app: FoyerApp, deps: AppDeps): void {
  app.post(
    '/api/v1/auth/password/reset',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Set a new password with a one-time link (password setup, invitation or reset)',
        body: z.object({
          token: z.string().min(1).max(200),
          password: z.string().min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH),
        }),
        response: { 200: z.object({ user: meSchema }), ...errorResponses(400, 403, 410) },
      },
    },
    async (request, reply) => {
      const { userId, sessionToken } = await setPasswordWithToken(deps.db, auditContext(request), request.body.token, request.body.password);
      setSessionCookie(reply, deps, sessionToken);
      return { user: await loadMe(deps.db, userId) };
    },
  );
}
