import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorizeSeeingPeople, userNotFound } from '../accounts/index.js';
import { auditContext, replyToSignIn, requireActor, requirePermission, requireRecentSignIn } from '../auth/index.js';
import { FoyerError } from '../platform/errors.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { adminUserDetailSchema, loadAdminUser } from '../users/index.js';
import { linkedProviderSchema, linkedProvidersOf, SIGN_IN_METHODS, unlinkSso, unlinkSsoAsAdmin } from './accounts.js';
import { consumeSsoFlow, SSO_FLOW_TTL_MS, startSsoFlow } from './flow.js';
import { providerParams, ssoProviderRoutes } from './provider-routes.js';
import type { SsoFlowMode } from './schema.js';
import { finishRoundTrip, signInMethodOf, startLinking, switchSignInMethod } from './service.js';

const authTags = ['Single sign-on'];

/** Where each kind of round trip sends the browser back to, with `sso_error` or `sso_notice` for the page to explain. */
const RETURN_PATHS: Record<SsoFlowMode, string> = { sign_in: '/login', link: '/', verify: '/signup' };

const withParams = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params).toString()}`;

/** Only an app's sign-in on this Foyer may be returned to after single sign-on: never another site (open redirect). */
const APP_SIGN_IN = /^\/oidc\/interaction\/[\w-]+$/;
const appSignInOf = (next: string | undefined) => (next && APP_SIGN_IN.test(next) ? next : null);

const callbackParameter = (description: string) => z.string().max(4000).optional().describe(description);
/** What an OpenID provider sends back (RFC 6749 §4.1.2, RFC 9207); anything else it adds is ignored. */
const callbackQuery = z.object({
  code: callbackParameter('The authorization code'),
  state: callbackParameter('The state Foyer sent'),
  iss: callbackParameter('The issuer of the answer (RFC 9207)'),
  error: callbackParameter('Set instead of code when the provider did not sign the person in'),
  error_description: callbackParameter('The provider’s explanation of error'),
  error_uri: callbackParameter('A page about error'),
});

export function ssoRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db, config } = deps;
  // The round trip's id lives only in this cookie. Lax, because the provider sends the browser back with a top-level GET.
  const flowCookie = config.secureCookies ? '__Host-foyer_sso_flow' : 'foyer_sso_flow';
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies };

  // The app sign-in the round trip started from; the browser comes back to it instead of the Foyer home page.
  const nextCookie = config.secureCookies ? '__Host-foyer_sso_next' : 'foyer_sso_next';

  const setFlowCookie = (reply: FastifyReply, flowId: string, next: string | null = null) => {
    reply.setCookie(flowCookie, flowId, { ...cookieOptions, maxAge: SSO_FLOW_TTL_MS / 1000 });
    if (next) reply.setCookie(nextCookie, next, { ...cookieOptions, maxAge: SSO_FLOW_TTL_MS / 1000 });
    else reply.clearCookie(nextCookie, cookieOptions);
  };

  /** A bad query still ends the way the browser flow expects: back on a page, with a code it can explain. */
  const badQuery = (reply: FastifyReply, mode: SsoFlowMode) =>
    reply.redirect(withParams(RETURN_PATHS[mode], { sso_error: 'invalid_request' }), 302);

  app.get(
    '/api/v1/auth/sso/:id/start',
    {
      schema: {
        tags: authTags,
        summary: 'Start single sign-on with a provider (browser navigation; redirects to the provider)',
        description:
          'Redirects (302) to the provider to sign in. It never links a provider to the account already signed in: a ' +
          'cross-site link could start that, so linking is `POST /api/v1/me/sso/{id}/link` from Foyer’s own page. ' +
          '`intent=verify` comes from the join request form: an unknown person with a provider-verified email gets an ' +
          'account awaiting approval and an access request (when the instance takes access requests). Failures, and a ' +
          'query that is not one of these, redirect to the page they came from with `?sso_error=<code>`. `next` is the ' +
          'app sign-in (`/oidc/interaction/<uid>`) to return to once signed in; any other value is ignored.',
        params: providerParams,
        querystring: z.object({
          intent: z.enum(['sign_in', 'verify']).default('sign_in'),
          next: z.string().max(200).optional().describe('The app sign-in to return to: /oidc/interaction/<uid>'),
        }),
        response: { 302: z.null().describe('To the provider, or back with sso_error') },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      if (request.validationError) return badQuery(reply, 'sign_in');
      const mode: SsoFlowMode = request.query.intent === 'verify' ? 'verify' : 'sign_in';
      try {
        const flow = await startSsoFlow(db, config, { providerId: request.params.id, mode, userId: null, now: new Date() });
        setFlowCookie(reply, flow.flowId, mode === 'sign_in' ? appSignInOf(request.query.next) : null);
        return reply.redirect(flow.authorizationUrl, 302);
      } catch (error) {
        return reply.redirect(withParams(RETURN_PATHS[mode], { sso_error: errorCode(request, error) }), 302);
      }
    },
  );

  app.get(
    '/api/v1/auth/sso/callback',
    {
      schema: {
        tags: authTags,
        summary: 'Where providers send the browser back (redirect URI to register at the provider)',
        description:
          'Finishes the round trip and redirects: to the console when signed in, to My account after linking, to ' +
          '`/login?sso_notice=awaiting_approval` after registration, and otherwise back with `?sso_error=<code>`. ' +
          'The provider sends either `code` and `state` (and `iss`) or `error`.',
        querystring: callbackQuery,
        response: { 302: z.null() },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const now = new Date();
      reply.clearCookie(flowCookie, cookieOptions);
      reply.clearCookie(nextCookie, cookieOptions);
      const next = appSignInOf(request.cookies[nextCookie]);
      let mode: SsoFlowMode = 'sign_in';
      try {
        const flow = await consumeSsoFlow(db, request.cookies[flowCookie], now);
        mode = flow.mode;
        if (request.validationError) return badQuery(reply, mode);
        const { provider, outcome } = await finishRoundTrip(db, config, auditContext(request, now), {
          flow,
          query: request.query,
          signedInUserId: request.actor?.user.id,
        });
        if (outcome.kind === 'linked') return reply.redirect(withParams('/', { sso_linked: provider.name }), 302);
        if (outcome.kind === 'awaiting_approval') {
          return reply.redirect(withParams(RETURN_PATHS[flow.mode === 'verify' ? 'verify' : 'sign_in'], { sso_notice: 'awaiting_approval' }), 302);
        }
        await replyToSignIn(reply, deps, outcome.result);
        // After a second factor the sign-in page's own return path (kept in the tab) takes the browser back to the app.
        return reply.redirect(outcome.result.kind === 'mfa_required' ? '/login/mfa' : (next ?? '/'), 302);
      } catch (error) {
        return reply.redirect(withParams(RETURN_PATHS[mode], { sso_error: errorCode(request, error) }), 302);
      }
    },
  );

  app.post(
    '/api/v1/me/sso/:id/link',
    {
      schema: {
        tags: authTags,
        summary: 'Begin linking a provider to my account; answers the address to send the browser to',
        description:
          'Needs a browser session that signed in within the last ten minutes (403 reauthentication_required), and ' +
          'self-linking switched on by an administrator (Settings → SSO, `sso.linkHint`; otherwise 403 sso_linking_disabled).',
        params: providerParams,
        response: { 200: z.object({ url: z.string() }), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      if (actor.via !== 'session') throw new FoyerError(403, 'forbidden', 'Only a signed-in browser can link a sign-in method.');
      const now = new Date();
      requireRecentSignIn(actor, now);
      const flow = await startLinking(db, config, actor, request.params.id, now);
      setFlowCookie(reply, flow.flowId);
      return { url: flow.authorizationUrl };
    },
  );

  app.get(
    '/api/v1/me/sso',
    {
      schema: {
        tags: authTags,
        summary: 'The providers my account is linked to',
        response: { 200: z.object({ items: z.array(linkedProviderSchema), nextCursor: z.null() }), ...errorResponses(401) },
      },
    },
    async (request) => ({ items: await linkedProvidersOf(db, requireActor(request).user.id), nextCursor: null }),
  );

  app.delete(
    '/api/v1/me/sso/:id',
    {
      schema: {
        tags: authTags,
        summary: 'Unlink a provider from my account',
        params: providerParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      requireRecentSignIn(actor, new Date());
      await unlinkSso(db, auditContext(request), {
        userId: actor.user.id,
        providerId: request.params.id,
        by: 'self',
        keepSessionId: actor.sessionId,
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/users/:id/sso',
    {
      schema: {
        tags: ['Users'],
        summary: "A user's sign-in method and linked providers (needs users.read); provider-side details stay hidden",
        params: providerParams,
        response: {
          200: z.object({ method: z.enum(SIGN_IN_METHODS), items: z.array(linkedProviderSchema), nextCursor: z.null() }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'users.read'));
      const user = await loadAdminUser(db, request.params.id);
      if (!user) throw userNotFound();
      return { ...(await signInMethodOf(db, user.id)), nextCursor: null };
    },
  );

  app.delete(
    '/api/v1/admin/users/:id/sso/:providerId',
    {
      schema: {
        tags: ['Users'],
        summary: "Remove a user's link to a provider (needs users.update)",
        params: z.object({ id: z.string().max(100), providerId: z.string().max(100) }),
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      await unlinkSsoAsAdmin(db, auditContext(request), actor, request.params.id, request.params.providerId);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/v1/admin/users/:id/auth-method',
    {
      schema: {
        tags: ['Users'],
        summary: 'Switch an account between Local and SSO sign-in (needs users.update)',
        description:
          'To `sso`: the password stops working, and the next SSO sign-in whose provider-verified email is the account’s ' +
          'links it. To `local`: every SSO link is removed. 409 `sso_not_configured` when no provider is enabled.',
        params: providerParams,
        body: z.object({ method: z.enum(SIGN_IN_METHODS) }),
        response: { 200: z.object({ user: adminUserDetailSchema }), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      await switchSignInMethod(db, auditContext(request), actor, request.params.id, request.body.method);
      const user = await loadAdminUser(db, request.params.id);
      if (!user) throw userNotFound();
      return { user };
    },
  );

  ssoProviderRoutes(app, deps);
}

/** The code to show on the page a failed round trip lands on; unexpected failures are logged, never shown. */
function errorCode(request: FastifyRequest, error: unknown): string {
  if (error instanceof FoyerError) return error.code;
  request.log.error({ err: error }, 'single sign-on failed');
  return 'internal_error';
}
