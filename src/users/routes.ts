import { z } from 'zod';
import { authorizeSeeingPeople, USER_PROFILES, USER_STATUSES, userNotFound, type Actor } from '../accounts/index.js';
import type { AuditContext } from '../audit/index.js';
import { auditContext, requirePermission } from '../auth/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { createUserAsAdmin, deleteUser, disableUser, enableUser, endUserSessions, revokeUser, updateUser } from './admin.js';
import { applyBulkAction, BULK_MAX_USERS } from './bulk.js';
import { loadUserDetail, userAuditTrail, userAuditTrailSchema, userDetailSchema } from './detail.js';
import { adminUserFields, newUserFields } from './fields.js';
import { listUsers, USER_SORTS } from './list.js';
import { adminUserDetailSchema, AUTH_METHODS, loadAdminUser } from './views.js';

const tags = ['Users'];
const userParams = z.object({ id: z.string().max(100) });
const userReply = z.object({ user: adminUserDetailSchema });

export function adminUserRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db } = deps;

  /** The user as the reply shows them after a change; they exist, the change just locked their row. */
  const replyWithUser = async (id: string) => {
    const user = await loadAdminUser(db, id);
    if (!user) throw userNotFound();
    return { user };
  };

  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        tags,
        summary: 'List users (needs users.read)',
        description:
          'Filters combine. `q` matches any part of the name, email or username. `role` and `group` take ids. Sorted by ' +
          '`sort` (default createdAt) in `order`; people who never signed in count as the longest ago. Deleted users never appear.',
        querystring: z.object({
          ...pageQuery,
          q: z.string().trim().max(200).optional(),
          status: z.enum(USER_STATUSES).optional(),
          role: z.uuid('Not a role id').optional(),
          group: z.uuid('Not a group id').optional(),
          authMethod: z.enum(AUTH_METHODS).optional(),
          sort: z.enum(USER_SORTS).default('createdAt'),
          order: z.enum(['asc', 'desc']).default('asc'),
        }),
        response: { 200: pageOf(adminUserDetailSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.read');
      authorizeSeeingPeople(actor);
      const { role, group, order, ...query } = request.query;
      return listUsers(db, { ...query, q: query.q || undefined, roleId: role, groupId: group, direction: order });
    },
  );

  app.post(
    '/api/v1/admin/users',
    {
      schema: {
        tags,
        summary: 'Create a user (needs users.create, and the permissions of the roles and groups given)',
        description: 'Without a password the account has no usable password and an unvalidated email ("Pending Setup").',
        body: z.object({
          ...newUserFields,
          password: adminUserFields.password.optional(),
          roleIds: adminUserFields.roleIds.default([]),
          groupIds: adminUserFields.groupIds.default([]),
          profile: z.enum(USER_PROFILES).default('member'),
        }),
        response: { 201: userReply, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.create');
      authorizeSeeingPeople(actor);
      const user = await createUserAsAdmin(db, auditContext(request), actor, request.body, deps.config);
      return reply.status(201).send(await replyWithUser(user.id));
    },
  );

  app.post(
    '/api/v1/admin/users/bulk',
    {
      schema: {
        tags,
        summary: 'Apply one change to many users (needs users.update) → one result per user',
        description:
          'Each user is changed in their own transaction under the rules of the single action, so one failure undoes ' +
          'nothing else. `set_profile` skips External users; nobody can be made External.',
        body: z.object({
          userIds: z.array(z.string().max(100)).min(1).max(BULK_MAX_USERS, `At most ${BULK_MAX_USERS} users at once`),
          action: z.discriminatedUnion('type', [
            z.object({ type: z.enum(['add_role', 'remove_role']), roleId: z.string().max(100) }),
            z.object({ type: z.enum(['add_group', 'remove_group']), groupId: z.string().max(100) }),
            z.object({ type: z.enum(['disable', 'enable']) }),
            z.object({ type: z.literal('set_profile'), profile: z.enum(USER_PROFILES) }),
          ]),
        }),
        response: {
          200: z.object({
            results: z.array(
              z.object({ userId: z.string(), outcome: z.enum(['applied', 'skipped', 'failed']), reason: z.string().optional() }),
            ),
          }),
          ...errorResponses(400, 401, 403, 409),
        },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      const { userIds, action } = request.body;
      const results = await applyBulkAction(db, () => auditContext(request), actor, userIds, action, deps.config);
      return { results };
    },
  );

  app.get(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags,
        summary: 'One user with groups, sessions and (with audit.read) their audit trail (needs users.read)',
        params: userParams,
        response: { 200: userDetailSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.read');
      authorizeSeeingPeople(actor);
      return loadUserDetail(db, request.params.id, {
        now: new Date(),
        currentSessionId: actor.sessionId,
        withAuditTrail: actor.permissions.has('audit.read'),
      });
    },
  );

  app.get(
    '/api/v1/admin/users/:id/audit-events',
    {
      schema: {
        tags,
        summary: 'Events where the user is target or actor, newest first (needs users.read and audit.read)',
        params: userParams,
        querystring: z.object(pageQuery),
        response: { 200: userAuditTrailSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      requirePermission(request, 'audit.read');
      const actor = requirePermission(request, 'users.read');
      authorizeSeeingPeople(actor);
      return userAuditTrail(db, request.params.id, request.query);
    },
  );

  app.patch(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags,
        summary: 'Edit a user (needs users.update); roleIds and groupIds replace the sets',
        description:
          'A new email is unvalidated. The profile can only be set at creation: a different one answers 409 ' +
          '`profile_change_refused`. Removing the last active administrator answers 409 `last_admin`.',
        params: userParams,
        body: z.object({
          name: newUserFields.name.optional(),
          email: newUserFields.email.optional(),
          username: newUserFields.username.optional(),
          roleIds: adminUserFields.roleIds.optional(),
          groupIds: adminUserFields.groupIds.optional(),
          profile: z.enum(USER_PROFILES).optional(),
        }),
        response: { 200: userReply, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      await updateUser(db, auditContext(request), actor, request.params.id, request.body, deps.config);
      return replyWithUser(request.params.id);
    },
  );

  app.delete(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags,
        summary: 'Delete a user (needs users.delete): personal data is erased, a pseudonymous row keeps history readable',
        params: userParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.delete');
      authorizeSeeingPeople(actor);
      await deleteUser(db, auditContext(request), actor, request.params.id, deps.config);
      return reply.status(204).send(null);
    },
  );

  const statusActions = [
    ['disable', (context: AuditContext, actor: Actor, id: string) => disableUser(db, context, actor, id, deps.config), 'Disable a user: their sessions end now, their API tokens stop; reversible'],
    ['enable', (context: AuditContext, actor: Actor, id: string) => enableUser(db, context, actor, id), 'Enable a disabled user again (a revoked one answers 409 account_revoked)'],
    ['revoke', (context: AuditContext, actor: Actor, id: string) => revokeUser(db, context, actor, id, deps.config), 'Revoke a user for good: frees their email and username so they can join again as a new account'],
  ] as const;
  for (const [name, action, summary] of statusActions) {
    app.post(
      `/api/v1/admin/users/:id/${name}`,
      {
        schema: {
          tags,
          summary: `${summary} (needs users.update)`,
          params: userParams,
          response: { 200: userReply, ...errorResponses(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const actor = requirePermission(request, 'users.update');
        authorizeSeeingPeople(actor);
        await action(auditContext(request), actor, request.params.id);
        return replyWithUser(request.params.id);
      },
    );
  }

  app.delete(
    '/api/v1/admin/users/:id/sessions',
    {
      schema: {
        tags,
        summary: 'End every session of a user (needs users.update)',
        params: userParams,
        response: { 200: z.object({ ended: z.number().int() }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      return { ended: await endUserSessions(db, auditContext(request), actor, request.params.id, deps.config) };
    },
  );

  app.delete(
    '/api/v1/admin/users/:id/sessions/:sessionId',
    {
      schema: {
        tags,
        summary: 'End one session of a user (needs users.update)',
        params: userParams.extend({ sessionId: z.string().max(100) }),
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      await endUserSessions(db, auditContext(request), actor, request.params.id, deps.config, request.params.sessionId);
      return reply.status(204).send(null);
    },
  );
}
