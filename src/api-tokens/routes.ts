import { z } from 'zod';
import { auditContext, requirePermission } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { errorResponses, isoDate, isoOrNull, type AppDeps, type FoyerApp } from '../platform/http.js';
import { createApiToken, listApiTokens, revokeApiToken } from './service.js';

const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdBy: z.object({ id: z.string(), name: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

type TokenRow = Awaited<ReturnType<typeof listApiTokens>>[number];
const toApiToken = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  createdBy: t.createdBy,
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
        summary: 'List API tokens (needs api_tokens.manage)',
        response: { 200: z.object({ items: z.array(apiTokenSchema), nextCursor: z.null() }), ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      // The list names who created each token.
      authorizeSeeingPeople(requirePermission(request, 'api_tokens.manage'));
      return { items: (await listApiTokens(deps.db)).map(toApiToken), nextCursor: null };
    },
  );

  app.post(
    '/api/v1/admin/api-tokens',
    {
      schema: {
        tags: ['API tokens'],
        summary: 'Create an API token; the token is shown only in this reply',
        body: z.object({ name: z.string().trim().min(1).max(100), expiresAt: z.iso.datetime().nullable().optional() }),
        response: { 201: apiTokenSchema.extend({ token: z.string() }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'api_tokens.manage');
      const expiresAt = request.body.expiresAt ? new Date(request.body.expiresAt) : null;
      const { row, token } = await deps.db.transaction((tx) =>
        createApiToken(tx, auditContext(request), actor.user.id, { name: request.body.name, expiresAt }),
      );
      return reply.status(201).send({ ...toApiToken({ ...row, createdBy: { id: actor.user.id, name: actor.user.name } }), token });
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
