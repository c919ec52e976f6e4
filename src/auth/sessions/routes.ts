import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../../audit/record.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { users } from '../../users/schema.js';
import { loadMe, meSchema, toMe } from '../me.js';
import { PASSWORD_MAX_LENGTH } from '../passwords/hashing.js';
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
        body: z.object({
          identifier: z.string().min(1).max(320),
          password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
        }),
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
      return { user: toMe(actor.user, actor.permissions) };
    },
  );

  app.patch(
    '/api/v1/me',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Change your own display name',
        body: z.object({ name: z.string().trim().min(1).max(200) }),
        response: { 200: z.object({ user: meSchema }), ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const context = auditContext(request);
      await deps.db.transaction(async (tx) => {
        await tx.update(users).set({ name: request.body.name, updatedAt: context.now }).where(eq(users.id, actor.user.id));
        await recordAudit(tx, context, {
          action: 'user.profile_updated',
          targetType: 'user',
          targetId: actor.user.id,
          details: { name: { from: actor.user.name, to: request.body.name } },
        });
      });
      return { user: await loadMe(deps.db, actor.user.id) };
    },
  );
}
