import { z } from 'zod';
import { auditContext, requirePermission } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { errorResponses, isoDate, isoOrNull, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { createApiToken, getApiToken, listApiTokens, revokeApiToken, type ApiTokenView } from './service.js';
import { apiTokenFields } from './fields.js';

const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdBy: z.object({ id: z.string(), name: z.string() }),
    permissions: z.array(z.string()).describe('What the token may do now: the permissions its creator holds (a token never holds more).'),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

const toApiToken = (t: ApiTokenView) => ({
  id: t.id,
  name: t.name,
  createdBy: t.createdBy,
  permissions: [...t.permissions].sort(),
  createdAt: isoDate(t.createdAt),
  expiresAt: isoOrNull(t.expiresAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  revokedAt: isoOrNull(t.revokedAt),
});

export function apiTokenRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/admin/api-tokens',
    {
      schema: {
        tags: ['API tokens'],
        summary: 'List API tokens, newest first (needs api_tokens.manage)',
        querystring: z.object(pageQuery),
        response: { 200: pageOf(apiTokenSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      // The list names who created each token.
      authorizeSeeingPeople(requirePermission(request, 'api_tokens.manage'));
      const page = await listApiTokens(deps.db, request.query);
      return { items: page.items.map(toApiToken), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v1/admin/api-tokens/:id',
    {
      schema: {
        tags: ['API tokens'],
        summary: 'One API token, without its secret (needs api_tokens.manage)',
        params: z.object({ id: z.string().max(64) }),
        response: { 200: apiTokenSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'api_tokens.manage'));
      return toApiToken(await getApiToken(deps.db, request.params.id));
    },
  );

  app.post(
    '/api/v1/admin/api-tokens',
    {
      schema: {
        tags: ['API tokens'],
        summary: 'Create an API token; the token is shown only in this reply',
        body: z.object(apiTokenFields),
        response: { 201: apiTokenSchema.extend({ token: z.string() }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'api_tokens.manage');
      const expiresAt = request.body.expiresAt ? new Date(request.body.expiresAt) : null;
      const { row, token } = await deps.db.transaction((tx) =>
        createApiToken(tx, auditContext(request), actor.user.id, { name: request.body.name, expiresAt }),
      );
      return reply.status(201).send({ ...toApiToken({ ...row, createdBy: { id: actor.user.id, name: actor.user.name }, permissions: [...actor.permissions] }), token });
    },
  );

  app.delete(
    '/api/v1/admin/api-tokens/:id',
    {
      schema: {
        tags: ['API tokens'],
        summary: 'Revoke an API token',
        params: z.object({ id: z.string().max(64) }),
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      authorizeSeeingPeople(requirePermission(request, 'api_tokens.manage'));
      await revokeApiToken(deps.db, auditContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
