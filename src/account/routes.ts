import { z } from 'zod';
import { auditContext, loadMe, meSchema, requireActor } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { renameOwnAccount } from './service.js';

/** The signed-in person's own account: what they may change about themselves. */
export function accountRoutes(app: FoyerApp, deps: AppDeps): void {
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
      await renameOwnAccount(deps.db, auditContext(request), actor, request.body.name);
      return { user: await loadMe(deps.db, actor.user.id, actor.setupOnly) };
    },
  );
}
