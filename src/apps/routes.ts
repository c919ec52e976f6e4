import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { auditContext, requireActor, requireAnyPermission, requirePermission } from '../auth/index.js';
import { notFound } from '../platform/errors.js';
import { errorResponses, isoDate, isoOrNull, type AppDeps, type FoyerApp } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { decodeCursor, pageOf, pageQuery, paginate } from '../platform/paging.js';

import { accessReason, openableApps } from './access.js';
import { allClaims, claimsForScopes, findPerson, SCOPE_CLAIMS } from './provider/claims.js';
import { appTextFields } from './fields.js';
import { ACCESS_TOKEN_FORMATS, APP_TYPES, SIGNING_ALGORITHMS } from './schema.js';
import { authorizedApps, createApp, deleteApp, getApp, listApps, rotateSecret, updateApp, withdrawConsent, type AppDetail } from './service.js';

const groupRef = z.object({ id: z.string(), name: z.string() });
const reasonSchema = z
  .object({ everyone: z.boolean().describe('Open to everyone'), groups: z.array(groupRef).describe('The app groups the person belongs to') })
  .meta({ id: 'AppAccessReason' });

const appSchema = z
  .object({
    id: z.string(),
    clientId: z.string(),
    name: z.string(),
    type: z.enum(APP_TYPES),
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    backchannelLogoutUri: z.string().nullable(),
    launchUrl: z.string().nullable(),
    logoUrl: z.string().nullable(),
    requireConsent: z.boolean(),
    access: z.object({ everyone: z.boolean(), groupIds: z.array(z.string()), groups: z.array(groupRef) }),
    accessTokenFormat: z.enum(ACCESS_TOKEN_FORMATS),
    signingAlgorithm: z.enum(SIGNING_ALGORITHMS),
    issuer: z.string().describe('The issuer apps are configured with'),
    discoveryUrl: z.string(),
    lastUsedAt: z.string().nullable().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'App' });

const appFields = {
  ...appTextFields,
  requireConsent: z.boolean(),
  access: z.object({ everyone: z.boolean(), groupIds: z.array(z.string().max(64)).max(200) }),
  accessTokenFormat: z.enum(ACCESS_TOKEN_FORMATS),
  signingAlgorithm: z.enum(SIGNING_ALGORITHMS),
};
const createBody = z.object({
  ...appFields,
  type: z.enum(APP_TYPES),
  postLogoutRedirectUris: appFields.postLogoutRedirectUris.optional(),
  backchannelLogoutUri: appFields.backchannelLogoutUri.optional(),
  launchUrl: appFields.launchUrl.optional(),
  logoUrl: appFields.logoUrl.optional(),
  requireConsent: appFields.requireConsent.optional(),
  accessTokenFormat: appFields.accessTokenFormat.optional(),
  signingAlgorithm: appFields.signingAlgorithm.optional(),
});
const idParams = z.object({ id: z.string().max(64) });
const nameCursor = z.tuple([z.string(), z.uuid()]);

const personalAppSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    launchUrl: z.string().nullable(),
    logoUrl: z.string().nullable(),
    lastSignInAt: z.string().nullable(),
    consentedAt: z.string().nullable().describe('When the person allowed the app; null for first-party apps and after withdrawing'),
  })
  .meta({ id: 'MyApp' });

const authorizationSchema = z
  .object({
    id: z.string().describe('The app'),
    name: z.string(),
    logoUrl: z.string().nullable(),
    launchUrl: z.string().nullable(),
    scopes: z.array(z.string()).describe('What the person allowed the app to learn'),
    consentedAt: z.string(),
    lastSignInAt: z.string().nullable(),
  })
  .meta({ id: 'AppAuthorization' });

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

export function appRoutes(app: FoyerApp, deps: AppDeps): void {
  const issuer = deps.config.publicUrl.origin;
  const toApp = (a: AppDetail & { lastUsedAt?: Date | null }) => ({
    id: a.id,
    clientId: a.clientId,
    name: a.name,
    type: a.type,
    redirectUris: a.redirectUris,
    postLogoutRedirectUris: a.postLogoutRedirectUris,
    backchannelLogoutUri: a.backchannelLogoutUri,
    launchUrl: a.launchUrl,
    logoUrl: a.logoUrl,
    requireConsent: a.requireConsent,
    access: { everyone: a.accessEveryone, groupIds: a.groups.map((g) => g.id), groups: a.groups },
    accessTokenFormat: a.accessTokenFormat,
    signingAlgorithm: a.signingAlgorithm,
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    ...(a.lastUsedAt !== undefined ? { lastUsedAt: isoOrNull(a.lastUsedAt) } : {}),
    createdAt: isoDate(a.createdAt),
    updatedAt: isoDate(a.updatedAt),
  });

  app.get(
    '/api/v1/admin/apps',
    {
      schema: {
        tags: ['Apps'],
        summary: 'List the apps, by name (needs apps.read)',
        querystring: z.object(pageQuery),
        response: { 200: pageOf(appSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'apps.read'));
      const { limit, cursor } = request.query;
      const rows = await listApps(deps.db, { limit, after: decodeCursor(cursor, nameCursor) });
      const page = paginate(rows, limit, (r) => [r.name.toLowerCase(), r.id]);
      return { items: page.items.map(toApp), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/admin/apps',
    {
      schema: {
        tags: ['Apps'],
        summary: 'Register an app (needs apps.manage); the client secret is shown only in this reply',
        body: createBody,
        response: { 201: z.object({ app: appSchema, clientSecret: z.string().optional() }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      authorizeSeeingPeople(requirePermission(request, 'apps.manage'));
      const created = await createApp(deps.db, auditContext(request), request.body);
      return noStore(reply).status(201).send({ app: toApp(created.app), ...(created.clientSecret ? { clientSecret: created.clientSecret } : {}) });
    },
  );

  app.get(
    '/api/v1/admin/apps/:id',
    {
      schema: { tags: ['Apps'], summary: 'One app (needs apps.read)', params: idParams, response: { 200: appSchema, ...errorResponses(401, 403, 404) } },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'apps.read'));
      return toApp(await getApp(deps.db, request.params.id));
    },
  );

  app.patch(
    '/api/v1/admin/apps/:id',
    {
      schema: {
        tags: ['Apps'],
        summary: 'Edit an app (needs apps.manage); narrowing its access ends the sign-ins of people it no longer allows',
        params: idParams,
        body: z.object(appFields).partial(),
        response: { 200: appSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'apps.manage'));
      return toApp(await updateApp(deps.db, auditContext(request), request.params.id, request.body));
    },
  );

  app.delete(
    '/api/v1/admin/apps/:id',
    {
      schema: {
        tags: ['Apps'],
        summary: 'Delete an app (needs apps.manage): every token it holds stops working',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      authorizeSeeingPeople(requirePermission(request, 'apps.manage'));
      await deleteApp(deps.db, auditContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/apps/:id/secret',
    {
      schema: {
        tags: ['Apps'],
        summary: 'A new client secret for a confidential app (needs apps.manage); the old one stops working',
        params: idParams,
        response: { 201: z.object({ clientSecret: z.string() }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      authorizeSeeingPeople(requirePermission(request, 'apps.manage'));
      const clientSecret = await rotateSecret(deps.db, auditContext(request), request.params.id);
      return noStore(reply).status(201).send({ clientSecret });
    },
  );

  app.get(
    '/api/v1/admin/apps/:id/preview',
    {
      schema: {
        tags: ['Apps'],
        summary: 'Try it: whether this person may open the app, why, and the exact claims they would receive (needs apps.read)',
        params: idParams,
        querystring: z.object({ userId: z.string().max(64), scope: z.string().max(200).default('openid profile email groups') }),
        response: {
          200: z.object({ allowed: z.boolean(), reason: reasonSchema, explanation: z.string(), claims: z.record(z.string(), z.unknown()) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'apps.read');
      authorizeSeeingPeople(actor);
      const target = await getApp(deps.db, request.params.id);
      const person = isUuid(request.query.userId) ? await findPerson(deps.db, request.query.userId) : undefined;
      if (!person) throw notFound('The user');
      const { allowed, ...reason } = await accessReason(deps.db, target.id, person.id);
      const scopes = request.query.scope.split(/\s+/).filter((s) => s in SCOPE_CLAIMS);
      return noStore(reply).send({
        allowed,
        reason,
        explanation: explain(allowed, reason, person.status, target),
        claims: allowed ? claimsForScopes(await allClaims(deps.db, person), scopes) : {},
      });
    },
  );

  app.get(
    '/api/v1/admin/users/:id/apps',
    {
      schema: {
        tags: ['Apps'],
        summary: 'The apps this person can open, each with why and their last sign-in (needs users.read or apps.read)',
        params: idParams,
        response: {
          200: z.object({ items: z.array(personalAppSchema.extend({ reason: reasonSchema })) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const actor = requireAnyPermission(request, ['users.read', 'apps.read']);
      authorizeSeeingPeople(actor);
      const person = isUuid(request.params.id) ? await findPerson(deps.db, request.params.id) : undefined;
      if (!person) throw notFound('The user');
      const items = await openableApps(deps.db, person.id);
      return noStore(reply).send({ items: items.map((a) => ({ ...toPersonalApp(a), reason: a.reason })) });
    },
  );

  app.get(
    '/api/v1/me/apps',
    {
      schema: {
        tags: ['Apps'],
        summary: 'The apps you can open, newest-used first',
        response: { 200: z.object({ items: z.array(personalAppSchema) }), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const items = await openableApps(deps.db, actor.user.id);
      return noStore(reply).send({ items: items.map(toPersonalApp) });
    },
  );

  app.get(
    '/api/v1/me/authorizations',
    {
      schema: {
        tags: ['Apps'],
        summary: "The apps you have allowed to learn about you, newest first; withdraw one with DELETE /api/v1/me/apps/:id/authorization",
        response: { 200: z.object({ items: z.array(authorizationSchema) }), ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const items = await authorizedApps(deps.db, actor.user.id);
      return noStore(reply).send({
        items: items.map((a) => ({ ...a, consentedAt: isoDate(a.consentedAt), lastSignInAt: isoOrNull(a.lastSignInAt) })),
      });
    },
  );

  app.delete(
    '/api/v1/me/apps/:id/authorization',
    {
      schema: {
        tags: ['Apps'],
        summary: "Withdraw your consent: the app's tokens for you stop working and it asks again next time",
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      await withdrawConsent(deps.db, auditContext(request), actor.user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
}

const toPersonalApp = (a: {
  id: string;
  name: string;
  launchUrl: string | null;
  logoUrl: string | null;
  lastSignInAt: Date | null;
  consentedAt: Date | null;
}) => ({
  id: a.id,
  name: a.name,
  launchUrl: a.launchUrl,
  logoUrl: a.logoUrl,
  lastSignInAt: isoOrNull(a.lastSignInAt),
  consentedAt: isoOrNull(a.consentedAt),
});

/** The sentence the "Try it" panel and a refused person read: what lets them in, or which administrator step would. */
export function explain(allowed: boolean, reason: { everyone: boolean; groups: { name: string }[] }, status: string, target: { name: string }): string {
  if (status !== 'active') return `This account is ${status.replace('_', ' ')}, so it cannot sign in to ${target.name}.`;
  if (allowed && reason.everyone) return `${target.name} is open to everyone in the organisation.`;
  if (allowed) return `Allowed as a member of ${reason.groups.map((g) => g.name).join(', ')}.`;
  return `${target.name} is open only to members of its groups. An administrator can add this person to one of them, or open the app to everyone.`;
}
