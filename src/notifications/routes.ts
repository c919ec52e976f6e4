import { z } from 'zod';
import { auditContext, requireActor } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { preferencesOf, updatePreferences } from './service.js';

const preferencesSchema = z
  .object({
    preferences: z.array(z.object({ event: z.string(), label: z.string(), description: z.string(), enabled: z.boolean() })),
  })
  .meta({ id: 'NotificationPreferences' });

const personOf = (actor: ReturnType<typeof requireActor>) => ({
  id: actor.user.id,
  profile: actor.user.profile,
  permissions: actor.permissions,
});

export function notificationRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/me/notifications',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Your email notification preferences: only the events you may receive',
        response: { 200: preferencesSchema, ...errorResponses(401) },
      },
    },
    async (request) => ({ preferences: await preferencesOf(deps.db, personOf(requireActor(request))) }),
  );

  app.patch(
    '/api/v1/me/notifications',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Turn email notifications on or off',
        body: z.object({
          preferences: z.array(z.object({ event: z.string().max(100), enabled: z.boolean() })).max(100),
        }),
        response: { 200: preferencesSchema, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const person = personOf(requireActor(request));
      const preferences = await deps.db.transaction((tx) =>
        updatePreferences(tx, auditContext(request), person, request.body.preferences),
      );
      return { preferences };
    },
  );
}
