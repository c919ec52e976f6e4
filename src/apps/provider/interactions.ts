import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../accounts/index.js';
import { auditContext } from '../../auth/index.js';
import { recordAudit } from '../../audit/index.js';
import { FoyerError } from '../../platform/errors.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { accessReason } from '../access.js';
import type { AppRow } from '../schema.js';
import { consentCovers, findAppByClientId, recordConsent } from '../service.js';
import { SCOPE_WORDS, SUPPORTED_SCOPES } from './claims.js';
import type { Engine, EngineProvider, InteractionDetails } from './engine.js';
import { requestedScopes } from './offline-access.js';
import { ACCESS_DENIED, PAGE_CSP, signInEndedPage } from './pages.js';
import { rememberAppSignIn, takeAppSignIn } from '../sign-in-return.js';

const params = z.object({ uid: z.string().min(1).max(100) });

const expired = () =>
  new FoyerError(400, 'sign_in_expired', 'This sign-in has expired or was started in another browser. Go back to the app and sign in again.');

interface Step {
  provider: EngineProvider;
  details: InteractionDetails;
  app: AppRow;
  scopes: string[];
}

async function loadStep(engine: Engine, deps: AppDeps, request: FastifyRequest, reply: FastifyReply): Promise<Step> {
  const provider = await engine.current();
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    throw expired();
  }
  if (details.uid !== (request.params as { uid: string }).uid) throw expired();
  const app = await findAppByClientId(deps.db, details.params.client_id);
  if (!app) throw expired();
  const requested = requestedScopes(details.params);
  const scopes = SUPPORTED_SCOPES.filter((s) => requested.includes(s));
  return { provider, details, app, scopes };
}

/** prompt=login asks for a sign-in made after the request; max_age for one no older than it says. */
function needsFreshSignIn(details: InteractionDetails, actor: Actor, now: Date): boolean {
  const at = actor.authenticatedAt?.getTime() ?? 0;
  const prompts = (details.params.prompt ?? '').split(' ');
  if (prompts.includes('login') && at < details.iat * 1000) return true;
  const maxAge = details.params.max_age === undefined ? undefined : Number(details.params.max_age);
  return maxAge !== undefined && Number.isFinite(maxAge) && now.getTime() - at > maxAge * 1000;
}

const sessionActor = (request: FastifyRequest) => (request.actor?.via === 'session' ? request.actor : null);

/** Finishes the engine's interaction as this person with a grant for the requested scopes, and sends the browser on. */
async function finish(step: Step, request: FastifyRequest, reply: FastifyReply, actor: Actor): Promise<string> {
  const { provider, app, scopes } = step;
  const grant = new provider.Grant({ accountId: actor.user.id, clientId: app.clientId });
  grant.addOIDCScope(scopes.join(' '));
  if (app.accessTokenFormat === 'jwt') grant.addResourceScope(`urn:foyer:app:${app.clientId}`, scopes.join(' '));
  const grantId = await grant.save();
  const ts = Math.floor((actor.authenticatedAt ?? new Date()).getTime() / 1000);
  return provider.interactionResult(request.raw, reply.raw, {
    login: { accountId: actor.user.id, ts, remember: true },
    consent: { grantId },
  });
}

export function interactionRoutes(app: FoyerApp, deps: AppDeps, engine: Engine): void {
  app.get('/oidc/interaction/:uid', { schema: { hide: true, params } }, async (request, reply) => {
    let step: Step;
    try {
      step = await loadStep(engine, deps, request, reply);
    } catch (error) {
      if (!(error instanceof FoyerError) || error.code !== 'sign_in_expired') throw error;
      return reply.status(400).type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(signInEndedPage(error.message));
    }
    const here = `/oidc/interaction/${step.details.uid}`;
    const actor = sessionActor(request);
    if (!actor) {
      rememberAppSignIn(reply, deps.config, here);
      return reply.redirect(`/login?next=${encodeURIComponent(here)}`, 303);
    }
    if (needsFreshSignIn(step.details, actor, new Date())) {
      rememberAppSignIn(reply, deps.config, here);
      return reply.redirect(`/login?next=${encodeURIComponent(here)}&fresh=1`, 303);
    }
    // Back from signing in, whichever way: nothing is left to return to.
    takeAppSignIn(request, reply, deps.config);
    const { allowed } = await accessReason(deps.db, step.app.id, actor.user.id);
    if (!allowed) {
      await recordAudit(deps.db, auditContext(request), {
        action: 'app.access_denied',
        targetType: 'app',
        targetId: step.app.id,
        details: { userId: actor.user.id },
      });
      const to = await step.provider.interactionResult(request.raw, reply.raw, {
        error: 'access_denied',
        error_description: ACCESS_DENIED,
      });
      return reply.redirect(to, 303);
    }
    const prompts = (step.details.params.prompt ?? '').split(' ');
    const mustAsk =
      step.app.requireConsent && (prompts.includes('consent') || !(await consentCovers(deps.db, step.app.id, actor.user.id, step.scopes)));
    if (mustAsk) return reply.redirect(`/authorize/${step.details.uid}`, 303);
    return reply.redirect(await finish(step, request, reply, actor), 303);
  });

  app.get(
    '/oidc/interaction/:uid/details',
    {
      schema: {
        tags: ['Apps'],
        summary: 'What the consent page shows: the app and, in plain words, what it will see',
        params,
        response: {
          200: z.object({
            app: z.object({ name: z.string(), logoUrl: z.string().nullable() }),
            scopes: z.array(z.object({ scope: z.string(), description: z.string() })),
          }),
          ...errorResponses(400, 401),
        },
      },
    },
    async (request, reply) => {
      const step = await loadStep(engine, deps, request, reply);
      if (!sessionActor(request)) throw new FoyerError(401, 'unauthenticated', 'You need to sign in to do this.');
      return reply.header('cache-control', 'no-store').send({
        app: { name: step.app.name, logoUrl: step.app.logoUrl },
        scopes: step.scopes.map((scope) => ({ scope, description: SCOPE_WORDS[scope] ?? scope })),
      });
    },
  );

  app.post(
    '/oidc/interaction/:uid/consent',
    {
      schema: {
        tags: ['Apps'],
        summary: 'The person allows (or refuses) the app; answers where the browser goes next',
        params,
        body: z.object({ allow: z.boolean() }),
        response: { 200: z.object({ redirectTo: z.string() }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const step = await loadStep(engine, deps, request, reply);
      const actor = sessionActor(request);
      if (!actor) throw new FoyerError(401, 'unauthenticated', 'You need to sign in to do this.');
      const { allowed } = await accessReason(deps.db, step.app.id, actor.user.id);
      if (!request.body.allow || !allowed) {
        const redirectTo = await step.provider.interactionResult(request.raw, reply.raw, {
          error: 'access_denied',
          error_description: allowed ? 'The person did not allow the app.' : 'You do not have access to this app.',
        });
        return { redirectTo };
      }
      await recordConsent(deps.db, auditContext(request), { appId: step.app.id, userId: actor.user.id, scopes: step.scopes });
      return { redirectTo: await finish(step, request, reply, actor) };
    },
  );
}
