import { z } from 'zod';
import { auditContext, requirePermission } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import {
  connectionTestSchema,
  createSsoProvider,
  deleteSsoProvider,
  getSsoProvider,
  settingsOf,
  ssoProviderInput,
  ssoProviderPatch,
  ssoProviderSchema,
  testProviderConnection,
  toSsoProvider,
  updateSsoProvider,
} from './providers.js';
import { ssoProvidersPage } from './service.js';

const adminTags = ['SSO providers'];
export const providerParams = z.object({ id: z.string().max(100) });
const providerReply = z.object({ provider: ssoProviderSchema });

/** Settings → SSO providers: the providers Foyer trusts to sign people in. */
export function ssoProviderRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db, config } = deps;

  app.get(
    '/api/v1/admin/sso-providers',
    {
      schema: {
        tags: adminTags,
        summary: 'List single sign-on providers (needs settings.manage)',
        querystring: z.object(pageQuery),
        response: { 200: pageOf(ssoProviderSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requirePermission(request, 'settings.manage');
      return ssoProvidersPage(db, request.query);
    },
  );

  app.post(
    '/api/v1/admin/sso-providers',
    {
      schema: {
        tags: adminTags,
        summary: 'Add a single sign-on provider (needs settings.manage)',
        description: `Register ${new URL('/api/v1/auth/sso/callback', config.publicUrl).toString()} as the redirect URI at the provider.`,
        body: ssoProviderInput,
        response: { 201: providerReply, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      // A provider of one's own could assert anyone's email: External users, who may not see people, may not add one.
      authorizeSeeingPeople(requirePermission(request, 'settings.manage'));
      const context = auditContext(request);
      const row = await db.transaction((tx) => createSsoProvider(tx, context, config, request.body));
      return reply.status(201).send({ provider: toSsoProvider(row) });
    },
  );

  app.get(
    '/api/v1/admin/sso-providers/:id',
    {
      schema: {
        tags: adminTags,
        summary: 'One single sign-on provider (needs settings.manage)',
        params: providerParams,
        response: { 200: providerReply, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      requirePermission(request, 'settings.manage');
      return { provider: toSsoProvider(await getSsoProvider(db, request.params.id)) };
    },
  );

  app.patch(
    '/api/v1/admin/sso-providers/:id',
    {
      schema: {
        tags: adminTags,
        summary: 'Change a single sign-on provider, or enable or disable it (needs settings.manage)',
        params: providerParams,
        body: ssoProviderPatch,
        response: { 200: providerReply, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'settings.manage'));
      const context = auditContext(request);
      const row = await db.transaction((tx) => updateSsoProvider(tx, context, config, request.params.id, request.body));
      return { provider: toSsoProvider(row) };
    },
  );

  app.delete(
    '/api/v1/admin/sso-providers/:id',
    {
      schema: {
        tags: adminTags,
        summary: 'Remove a single sign-on provider and every link to it (needs settings.manage)',
        params: providerParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      requirePermission(request, 'settings.manage');
      const context = auditContext(request);
      await db.transaction((tx) => deleteSsoProvider(tx, context, request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/sso-providers/:id/test',
    {
      schema: {
        tags: adminTags,
        summary: 'Test connection: fetch discovery for a saved provider and report problems in words (needs settings.manage)',
        params: providerParams,
        response: { 200: connectionTestSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      requirePermission(request, 'settings.manage');
      const row = await getSsoProvider(db, request.params.id);
      return testProviderConnection(settingsOf(config, row), row.scopes);
    },
  );

  app.post(
    '/api/v1/admin/sso-providers/test',
    {
      schema: {
        tags: adminTags,
        summary: 'Test connection for a provider not saved yet (needs settings.manage)',
        body: ssoProviderInput.pick({ issuer: true, clientId: true, scopes: true }).extend({ clientSecret: z.string().max(2000).nullable().optional() }),
        response: { 200: connectionTestSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      requirePermission(request, 'settings.manage');
      const { issuer, clientId, clientSecret, scopes } = request.body;
      return testProviderConnection({ issuer, clientId, clientSecret: clientSecret || null }, scopes);
    },
  );
}
