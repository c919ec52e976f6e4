import { z } from 'zod';
import { auditContext, requireAnyPermission, requirePermission } from '../auth/index.js';
import { authorizeSeeingPeople, USER_STATUSES } from '../accounts/index.js';
import { errorResponses, isoDate, type AppDeps, type FoyerApp } from '../platform/http.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../platform/paging.js';
import {
  addMembers,
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  listMembers,
  removeMember,
  updateGroup,
  type GroupDetail,
  type GroupWithRoles,
} from './service.js';
import { groupFields } from './fields.js';

export const groupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    roles: z.array(z.object({ id: z.string(), name: z.string() })).describe('Roles every member inherits'),
    memberCount: z.number().int().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Group' });

const groupMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    username: z.string(),
    status: z.enum(USER_STATUSES),
    addedAt: z.string(),
  })
  .meta({ id: 'GroupMember' });

const toGroup = (g: GroupWithRoles | GroupDetail) => ({
  id: g.id,
  name: g.name,
  description: g.description,
  roles: g.roles.map((r) => ({ id: r.id, name: r.name })),
  ...('memberCount' in g ? { memberCount: g.memberCount } : {}),
  createdAt: isoDate(g.createdAt),
  updatedAt: isoDate(g.updatedAt),
});

const idParams = z.object({ id: z.string().max(64) });
const nameCursor = z.tuple([z.string()]);
const memberCursor = z.tuple([z.string(), z.uuid()]);

export function groupRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/groups',
    {
      schema: {
        tags: ['Groups'],
        summary: 'List groups by name (needs groups.manage or users.read)',
        querystring: z.object({ ...pageQuery, q: z.string().trim().max(200).optional() }),
        response: { 200: pageOf(groupSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requireAnyPermission(request, ['groups.manage', 'users.read']);
      const { limit, cursor, q } = request.query;
      const rows = await listGroups(deps.db, { limit, after: decodeCursor(cursor, nameCursor)?.[0], q });
      const page = paginate(rows, limit, (r) => [r.sortKey]);
      return { items: page.items.map((r) => toGroup(r.group)), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/admin/groups',
    {
      schema: {
        tags: ['Groups'],
        summary: 'Create a group (needs groups.manage and every permission its roles grant)',
        body: z.object({ name: groupFields.name, description: groupFields.description.optional(), roleIds: groupFields.roleIds.optional() }),
        response: { 201: groupSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'groups.manage');
      const group = await createGroup(deps.db, auditContext(request), actor, request.body);
      return reply.status(201).send(toGroup({ ...group, memberCount: 0 }));
    },
  );

  app.get(
    '/api/v1/admin/groups/:id',
    {
      schema: {
        tags: ['Groups'],
        summary: 'One group with its roles and member count',
        params: idParams,
        response: { 200: groupSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      requireAnyPermission(request, ['groups.manage', 'users.read']);
      return toGroup(await getGroup(deps.db, request.params.id));
    },
  );

  app.patch(
    '/api/v1/admin/groups/:id',
    {
      schema: {
        tags: ['Groups'],
        summary: 'Rename or describe a group, or set the roles it carries',
        params: idParams,
        body: z.object({
          name: groupFields.name.optional(),
          description: groupFields.description.optional(),
          roleIds: groupFields.roleIds.optional(),
        }),
        response: { 200: groupSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'groups.manage');
      await updateGroup(deps.db, auditContext(request), actor, request.params.id, request.body);
      return toGroup(await getGroup(deps.db, request.params.id));
    },
  );

  app.delete(
    '/api/v1/admin/groups/:id',
    {
      schema: {
        tags: ['Groups'],
        summary: 'Delete a group; its members lose the roles it carried',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'groups.manage');
      await deleteGroup(deps.db, auditContext(request), actor, request.params.id, deps.config);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/groups/:id/members',
    {
      schema: {
        tags: ['Groups'],
        summary: 'The members of a group, by name',
        params: idParams,
        querystring: z.object(pageQuery),
        response: { 200: pageOf(groupMemberSchema), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireAnyPermission(request, ['groups.manage', 'users.read']);
      authorizeSeeingPeople(actor);
      const { limit, cursor } = request.query;
      const rows = await listMembers(deps.db, request.params.id, { limit, after: decodeCursor(cursor, memberCursor) });
      const page = paginate(rows, limit, (m) => [m.sortKey, m.id]);
      return {
        items: page.items.map(({ sortKey: _sortKey, ...m }) => ({ ...m, addedAt: isoDate(m.addedAt) })),
        nextCursor: page.nextCursor,
      };
    },
  );

  app.post(
    '/api/v1/admin/groups/:id/members',
    {
      schema: {
        tags: ['Groups'],
        summary: 'Add people to a group (needs every permission its roles grant)',
        params: idParams,
        body: z.object({ userIds: z.array(z.string().max(64)).min(1).max(500) }),
        response: { 200: z.object({ added: z.array(z.string()).describe('Those who were not members before') }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'groups.manage');
      authorizeSeeingPeople(actor);
      return { added: await addMembers(deps.db, auditContext(request), actor, request.params.id, request.body.userIds, deps.config) };
    },
  );

  app.delete(
    '/api/v1/admin/groups/:id/members/:userId',
    {
      schema: {
        tags: ['Groups'],
        summary: 'Remove one person from a group',
        params: z.object({ id: z.string().max(64), userId: z.string().max(64) }),
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'groups.manage');
      authorizeSeeingPeople(actor);
      await removeMember(deps.db, auditContext(request), actor, request.params.id, request.params.userId, deps.config);
      return reply.status(204).send(null);
    },
  );
}
