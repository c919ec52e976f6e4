import { z } from 'zod';
import { auditContext, requireActor, requireAnyPermission, requirePermission } from '../auth/index.js';
import { errorResponses, isoDate, type AppDeps, type FoyerApp } from '../platform/http.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../platform/paging.js';
import { PERMISSION_AREAS, type RoleRow } from '../accounts/index.js';
import { createRole, deleteRole, getRole, listRoles, updateRole, type RoleDetail } from './service.js';
import { roleFields } from './fields.js';

export const roleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    builtin: z.boolean(),
    builtinKey: z.string().nullable(),
    permissions: z.array(z.string()),
    userCount: z.number().int().optional().describe('Users holding the role directly'),
    groupCount: z.number().int().optional().describe('Groups carrying the role'),
    requiredPermissionsAdded: z
      .array(z.string())
      .optional()
      .describe('On create and update only: permissions the role was given because the ones asked for require them'),
    createdAt: z.string(),
  })
  .meta({ id: 'Role' });

const toRole = (r: RoleRow | RoleDetail, requiredPermissionsAdded?: string[]) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  builtin: r.builtinKey !== null,
  builtinKey: r.builtinKey,
  permissions: [...r.permissions].sort(),
  ...('userCount' in r ? { userCount: r.userCount, groupCount: r.groupCount } : {}),
  ...(requiredPermissionsAdded ? { requiredPermissionsAdded } : {}),
  createdAt: isoDate(r.createdAt),
});

const idParams = z.object({ id: z.string().max(64) });
const nameCursor = z.tuple([z.string()]);

export function permissionRoutes(app: FoyerApp): void {
  app.get(
    '/api/v1/admin/permissions',
    {
      schema: {
        tags: ['Roles'],
        summary: 'The permission catalogue, grouped by area, each permission with what it requires',
        description:
          '`requires` lists the permissions a permission needs to be of use (directly; they may require more in turn). ' +
          'Saving a role adds every permission its permissions require.',
        response: {
          200: z.object({
            areas: z.array(
              z.object({
                area: z.string(),
                permissions: z.array(
                  z.object({
                    key: z.string(),
                    description: z.string().describe('A short label'),
                    explanation: z.string().describe('What the permission lets its holder do, in a sentence'),
                    requires: z.array(z.string()),
                  }),
                ),
              }),
            ),
          }),
          ...errorResponses(401),
        },
      },
    },
    async (request) => {
      // The catalogue is product documentation, not data: any signed-in person may read it.
      requireActor(request);
      return {
        areas: PERMISSION_AREAS.map((a) => ({
          area: a.area,
          permissions: a.permissions.map((p) => ({ key: p.key, description: p.description, explanation: p.explanation, requires: [...p.requires] })),
        })),
      };
    },
  );
}

export function roleRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/roles',
    {
      schema: {
        tags: ['Roles'],
        summary: 'List roles by name (needs roles.manage or users.read)',
        querystring: z.object(pageQuery),
        response: { 200: pageOf(roleSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requireAnyPermission(request, ['roles.manage', 'users.read']);
      const after = decodeCursor(request.query.cursor, nameCursor);
      const rows = await listRoles(deps.db, { limit: request.query.limit, after: after?.[0] });
      const page = paginate(rows, request.query.limit, (r) => [r.sortKey]);
      return { items: page.items.map((r) => toRole(r.role)), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/admin/roles',
    {
      schema: {
        tags: ['Roles'],
        summary: 'Create a custom role (needs roles.manage and every permission it grants)',
        description: 'The role also gets every permission its permissions require; `requiredPermissionsAdded` names them.',
        body: z.object({ name: roleFields.name, description: roleFields.description.optional(), permissions: roleFields.permissions }),
        response: { 201: roleSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'roles.manage');
      const row = await createRole(deps.db, auditContext(request), actor, request.body);
      return reply.status(201).send(toRole({ ...row, userCount: 0, groupCount: 0 }, row.requiredPermissionsAdded));
    },
  );

  app.get(
    '/api/v1/admin/roles/:id',
    {
      schema: {
        tags: ['Roles'],
        summary: 'One role, with how many users and groups hold it',
        params: idParams,
        response: { 200: roleSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      requireAnyPermission(request, ['roles.manage', 'users.read']);
      return toRole(await getRole(deps.db, request.params.id));
    },
  );

  app.patch(
    '/api/v1/admin/roles/:id',
    {
      schema: {
        tags: ['Roles'],
        summary: 'Rename, describe or change the permissions of a custom role (built-in roles are fixed)',
        description: 'New permissions bring what they require; `requiredPermissionsAdded` names what was added.',
        params: idParams,
        body: z.object({
          name: roleFields.name.optional(),
          description: roleFields.description.optional(),
          permissions: roleFields.permissions.optional(),
        }),
        response: { 200: roleSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'roles.manage');
      const saved = await updateRole(deps.db, auditContext(request), actor, request.params.id, request.body);
      return toRole(await getRole(deps.db, request.params.id), saved.requiredPermissionsAdded);
    },
  );

  app.delete(
    '/api/v1/admin/roles/:id',
    {
      schema: {
        tags: ['Roles'],
        summary: 'Delete a custom role; while it is held, `reassignTo` must name the role its holders get instead',
        params: idParams,
        querystring: z.object({ reassignTo: z.string().max(64).optional() }),
        response: { 204: z.null(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'roles.manage');
      await deleteRole(deps.db, auditContext(request), actor, request.params.id, request.query.reassignTo);
      return reply.status(204).send(null);
    },
  );
}
