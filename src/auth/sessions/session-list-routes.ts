import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { authorizeSeeingPeople, userNotFound, users } from '../../accounts/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { isUuid } from '../../platform/ids.js';
import { pageQuery } from '../../platform/paging.js';
import { auditContext, clearSessionCookie, requireActor, requirePermission } from '../request.js';
import { endOtherOwnSessions, endOwnSession, listSessionsOf, sessionPageSchema } from './session-list.js';

const sessionParams = z.object({ id: z.string().max(100) });

export function sessionListRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db } = deps;

  app.get(
    '/api/v1/me/sessions',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Your open sessions, newest first, with the device and browser they came from',
        querystring: z.object(pageQuery),
        response: { 200: sessionPageSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      return listSessionsOf(db, actor.user.id, { ...request.query, now: new Date(), currentSessionId: actor.sessionId });
    },
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      schema: {
        tags: ['Current user'],
        summary: 'End one of your sessions; ending the current one signs you out',
        params: sessionParams,
        response: { 204: z.null(), ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      await endOwnSession(db, auditContext(request), actor, request.params.id);
      if (request.params.id === actor.sessionId) clearSessionCookie(reply, deps);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/v1/me/sessions',
    {
      schema: {
        tags: ['Current user'],
        summary: 'End all your other sessions; this one stays signed in',
        response: { 200: z.object({ ended: z.number().int() }), ...errorResponses(401) },
      },
    },
    async (request) => ({ ended: await endOtherOwnSessions(db, auditContext(request), requireActor(request), deps.config) }),
  );

  app.get(
    '/api/v1/admin/users/:id/sessions',
    {
      schema: {
        tags: ['Users'],
        summary: "A user's open sessions, newest first (needs users.read)",
        params: sessionParams,
        querystring: z.object(pageQuery),
        response: { 200: sessionPageSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.read');
      authorizeSeeingPeople(actor);
      if (!isUuid(request.params.id)) throw userNotFound();
      const [user] = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, request.params.id), isNull(users.deletedAt)));
      if (!user) throw userNotFound();
      return listSessionsOf(db, request.params.id, { ...request.query, now: new Date(), currentSessionId: actor.sessionId });
    },
  );
}
