import { and, asc, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { requirePermission } from '../auth/request.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../platform/paging.js';
import { users } from './schema.js';
import { rolesOfUsers } from './service.js';
import { adminUserSchema, toAdminUser } from './views.js';

const userCursor = z.tuple([z.iso.datetime(), z.uuid()]);

export function adminUserRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        tags: ['Users'],
        summary: 'List users (needs users.read)',
        querystring: z.object({ ...pageQuery, q: z.string().trim().max(200).optional() }),
        response: { 200: pageOf(adminUserSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requirePermission(request, 'users.read');
      const { limit, cursor, q } = request.query;
      const after = decodeCursor(cursor, userCursor);
      const conditions: SQL[] = [];
      if (after) conditions.push(sql`(${users.createdAt}, ${users.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      if (q) {
        const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(sql`(${users.name} ilike ${pattern} or ${users.email} ilike ${pattern} or ${users.username} ilike ${pattern})`);
      }
      const rows = await deps.db
        .select()
        .from(users)
        .where(and(...conditions))
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(limit + 1);
      const page = paginate(rows, limit, (u) => [u.createdAt.toISOString(), u.id]);
      const roles = await rolesOfUsers(deps.db, page.items.map((u) => u.id));
      return { items: page.items.map((u) => toAdminUser(u, roles.get(u.id) ?? [])), nextCursor: page.nextCursor };
    },
  );
}
