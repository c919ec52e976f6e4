import { z } from 'zod';
import { authorizeSeeingPeople } from '../../accounts/index.js';
import { errorResponses, isoOrNull, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { auditContext, requirePermission } from '../request.js';
import { unlockUserSignIn, userSignInLocks } from './admin.js';

const params = z.object({ id: z.string() });

export function throttlingRoutes(app: FoyerApp, { db }: AppDeps): void {
  app.get(
    '/api/v1/admin/users/:id/sign-in-locks',
    {
      schema: {
        tags: ['Users'],
        summary: 'Sign-in methods locked for this user after 100 consecutive failures (needs users.read)',
        params,
        response: {
          200: z.object({ items: z.array(z.object({ method: z.string(), lockedAt: z.string().nullable() })) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'users.read'));
      const locks = await userSignInLocks(db, request.params.id);
      return { items: locks.map((l) => ({ method: l.method, lockedAt: isoOrNull(l.lockedAt) })) };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/unlock-sign-in',
    {
      schema: {
        tags: ['Users'],
        summary: 'Lift the sign-in lock and delays on every method of this user (needs users.update)',
        params,
        response: { 200: z.object({ unlockedMethods: z.array(z.string()) }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'users.update'));
      return unlockUserSignIn(db, auditContext(request), request.params.id);
    },
  );
}
