import { z } from 'zod';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { recordAudit } from '../../audit/index.js';
import { meSchema, toMe } from '../me.js';
import { signInFields } from '../fields.js';
import { auditContext, clearSessionCookie, requireActor } from '../request.js';
import { replyToSignIn, signInReplySchema } from './complete-sign-in.js';
import { endSession } from './service.js';
import { signInWithPassword } from './sign-in.js';

export function sessionRoutes(app: FoyerApp, deps: AppDeps): void {
  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Sign in with an email or username and a password',
        body: z.object(signInFields),
        response: { 200: signInReplySchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) =>
      replyToSignIn(reply, deps, await signInWithPassword(deps.db, auditContext(request), request.body)),
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags: ['Sign-in'], summary: 'End the current session', response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = request.actor;
      if (actor?.sessionId) {
        await deps.db.transaction(async (tx) => {
          await endSession(tx, actor.sessionId!);
          await recordAudit(tx, auditContext(request), { action: 'auth.logout', targetType: 'user', targetId: actor.user.id });
        });
      }
      clearSessionCookie(reply, deps);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['Current user'],
        summary: 'The signed-in user with effective permissions',
        response: { 200: z.object({ user: meSchema }), ...errorResponses(401) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return { user: toMe(actor.user, actor.permissions, actor.setupOnly) };
    },
  );
}
