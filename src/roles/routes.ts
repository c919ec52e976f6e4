import { z } from 'zod';
import { requireActor } from '../auth/request.js';
import { errorResponses, type FoyerApp } from '../platform/http.js';
import { PERMISSION_AREAS } from './catalogue.js';

export function permissionRoutes(app: FoyerApp): void {
  app.get(
    '/api/v1/admin/permissions',
    {
      schema: {
        tags: ['Roles'],
        summary: 'The permission catalogue, grouped by area',
        response: {
          200: z.object({
            areas: z.array(z.object({ area: z.string(), permissions: z.array(z.object({ key: z.string(), description: z.string() })) })),
          }),
          ...errorResponses(401),
        },
      },
    },
    async (request) => {
      // The catalogue is product documentation, not data: any signed-in person may read it.
      requireActor(request);
      return { areas: PERMISSION_AREAS.map((a) => ({ area: a.area, permissions: a.permissions.map((p) => ({ ...p })) })) };
    },
  );
}
