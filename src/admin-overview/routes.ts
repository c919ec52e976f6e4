import { z } from 'zod';
import { requireActor } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { forbidden } from '../platform/errors.js';
import { userAuditEventSchema } from '../users/index.js';
import { CHECKLIST_ITEMS, loadAdminOverview, RECENT_ACTIVITY } from './service.js';

const countSchema = (what: string, permission: string) =>
  z.number().int().nullable().describe(`${what}; null without ${permission}, and always for External users`);

const adminOverviewSchema = z
  .object({
    checklist: z
      .array(z.object({ item: z.enum(CHECKLIST_ITEMS), done: z.boolean() }))
      .describe('The setup steps the caller may do, in order; each needs the permission of the page that does it'),
    counts: z.object({
      pendingAccessRequests: countSchema('Access requests nobody has decided yet', 'access_requests.read'),
      pendingInvitations: countSchema('Invitations not accepted, revoked or expired', 'invitations.manage'),
      disabledAccounts: countSchema('Disabled accounts', 'users.read'),
    }),
    recentActivity: z
      .array(userAuditEventSchema)
      .nullable()
      .describe(`The ${RECENT_ACTIVITY} newest audit events with names; null without audit.read, and always for External users`),
  })
  .meta({ id: 'AdminOverview' });

/** The administrator's home (`/admin` in the console). */
export function adminOverviewRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/overview',
    {
      schema: {
        tags: ['Administration'],
        summary: "The administrator's home: setup checklist, what waits for them, recent activity (needs any permission)",
        response: { 200: adminOverviewSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      if (actor.permissions.size === 0) throw forbidden();
      return loadAdminOverview(deps.db, deps.config, actor);
    },
  );
}
