import { z } from 'zod';
import { auditContext, requireActor, requirePermission } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { wakeMailWorkers } from '../mail/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { accessRequestFields } from './fields.js';
import { ACCESS_REQUEST_STATUSES } from './schema.js';
import { accessRequestSchema, listAccessRequests, loadAccessRequest, submitAccessRequest } from './service.js';
import { APPROVAL_OUTCOMES, approveAccessRequests } from './approve.js';
import { declineAccessRequests, restoreAccessRequest } from './decline.js';

const tags = ['Access requests'];
const MAX_IDS = 200;
const idsBody = z.object({
  ids: z.array(z.string().max(100)).min(1, 'Choose at least one request').max(MAX_IDS, `At most ${MAX_IDS} requests at once`),
});
const idParams = z.object({ id: z.string().max(100) });
const grantIds = z.array(z.string().max(100)).max(MAX_IDS);
const approveBody = idsBody.extend({
  roleIds: grantIds.optional().describe('Roles every approved person gets (kept with any they already hold)'),
  groupIds: grantIds.optional().describe('Groups every approved person joins (kept with any they already belong to)'),
});
const result = <O extends readonly [string, ...string[]]>(outcomes: O) =>
  z.object({ results: z.array(z.object({ id: z.string(), outcome: z.enum(outcomes), reason: z.string().optional() })) });

export function accessRequestRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db } = deps;

  app.post(
    '/api/v1/access-requests',
    {
      schema: {
        tags,
        summary: 'Ask for access (public) → 202, the same whether or not the email has an account or an earlier request',
        description:
          'Resubmitting with the same email replaces the message of the earlier request. 422 `email_domain_not_allowed` ' +
          'for a domain off the allowlist (nothing is stored or sent); 404 `access_requests_disabled` when the form is off; ' +
          '403 `sso_verification_required` when only SSO-verified requests are taken; 429 when one address sends too many.',
        body: z.object(accessRequestFields),
        response: { 202: z.object({ received: z.literal(true) }), ...errorResponses(400, 403, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      await submitAccessRequest(db, auditContext(request), deps, request.body);
      wakeMailWorkers();
      return reply.status(202).send({ received: true });
    },
  );

  app.get(
    '/api/v1/admin/access-requests',
    {
      schema: {
        tags,
        summary: 'List access requests, newest first (needs access_requests.read; deleted=true needs access_requests.view_deleted)',
        description: '`deleted=true` lists the declined requests instead of the live ones. `q` matches any part of the name or email.',
        querystring: z.object({
          ...pageQuery,
          deleted: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
          status: z.enum(ACCESS_REQUEST_STATUSES).optional(),
          q: z.string().trim().max(200).optional(),
        }),
        response: { 200: pageOf(accessRequestSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'access_requests.read');
      authorizeSeeingPeople(actor);
      if (request.query.deleted) requirePermission(request, 'access_requests.view_deleted');
      return listAccessRequests(db, { ...request.query, q: request.query.q || undefined });
    },
  );

  app.get(
    '/api/v1/admin/access-requests/:id',
    {
      schema: {
        tags,
        summary: 'One access request (needs access_requests.read; a declined one also access_requests.view_deleted)',
        params: idParams,
        response: { 200: z.object({ accessRequest: accessRequestSchema }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'access_requests.read');
      authorizeSeeingPeople(actor);
      return { accessRequest: await loadAccessRequest(db, request.params.id, actor.permissions.has('access_requests.view_deleted')) };
    },
  );

  app.post(
    '/api/v1/admin/access-requests/approve',
    {
      schema: {
        tags,
        summary: 'Approve requests (needs users.create and access_requests.approve) → one result per id',
        description:
          'Each request is approved in its own transaction. `created_and_invited`: a Pending Setup account was created and ' +
          'the invitation email queued; `existing_account_approved`: the email already had an account, which is now active ' +
          'and gets an "account approved" email; `blocked_domain`: the domain is no longer allowed, nothing changed; ' +
          '`failed`: nothing changed, `reason` is an error code. `roleIds` and `groupIds` are given to every approved ' +
          'person in the same transaction; they are checked before any request is touched (400 naming the field for an ' +
          'unknown one, 403 for one carrying permissions the approver lacks).',
        body: approveBody,
        response: { 200: result(APPROVAL_OUTCOMES), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      authorizeSeeingPeople(actor);
      const results = await approveAccessRequests(db, () => auditContext(request), deps, actor, request.body, {
        onUnexpectedError: (err, id) => request.log.error({ err, accessRequestId: id }, 'approving an access request failed'),
      });
      wakeMailWorkers();
      return { results };
    },
  );

  app.post(
    '/api/v1/admin/access-requests/decline',
    {
      schema: {
        tags,
        summary: 'Decline requests (needs access_requests.approve) → one result per id; the requester is not told',
        description: 'Declined requests are soft-deleted. Declining is also how a request is cleared once its person has an account.',
        body: idsBody,
        response: { 200: result(['declined', 'failed'] as const), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      authorizeSeeingPeople(actor);
      return { results: await declineAccessRequests(db, deps.config, () => auditContext(request), actor, request.body.ids) };
    },
  );

  app.post(
    '/api/v1/admin/access-requests/:id/restore',
    {
      schema: {
        tags,
        summary: 'Restore a declined request (needs access_requests.restore)',
        description: '409 `access_request_exists` when the same email has asked again since.',
        params: idParams,
        response: { 200: z.object({ accessRequest: accessRequestSchema }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      authorizeSeeingPeople(actor);
      return { accessRequest: await restoreAccessRequest(db, auditContext(request), actor, request.params.id) };
    },
  );
}
