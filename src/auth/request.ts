import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveApiToken } from '../api-tokens/index.js';
import type { AuditContext } from '../audit/index.js';
import { FoyerError, forbidden, unauthenticated } from '../platform/errors.js';
import { sessionCookieName, type AppDeps, type FoyerApp } from '../platform/http.js';
import { authorize, type Actor, type Permission } from '../accounts/index.js';
import { findPendingSignIn, pendingTokenOf } from './mfa/pending.js';
import { lastSeenBatch } from './sessions/last-seen.js';
import { SESSION_ABSOLUTE_MS, resolveSession, type ClientInfo } from './sessions/service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Resolved once per request from the session cookie or the bearer token; null when anonymous. */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /**
     * A protected route that also serves a sign-in stopped at "set up a second factor first": it may be reached with
     * that sign-in's cookie instead of a session.
     */
    acceptsPendingSignIn?: boolean;
  }
}

/**
 * Every route under these paths needs a signed-in caller. Refused in onRequest, before the body is read or
 * validated, so an anonymous caller learns nothing about a route's fields, and a new route there is protected
 * without saying so. The handlers' own requireActor/requirePermission stay: they say what the route needs.
 */
const PROTECTED_ROUTE = /^\/api\/v1\/(?:admin|me)(?:\/|$)/;

const isProtected = (url: string) => PROTECTED_ROUTE.test(url);

/**
 * All that a set-up session (an account begun by a sign-up link or invitation, no credential yet) may do: read
 * itself, register its first passkey, confirm its email, and sign out. Anywhere else it is refused, and to public
 * routes (the apps' sign-in among them) it is nobody, so a half-made account can never act as a member.
 */
const SETUP_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/v1/me',
  'GET /api/v1/me/passkeys',
  'POST /api/v1/me/passkeys/options',
  'POST /api/v1/me/passkeys',
  'POST /api/v1/me/email/verification',
  'POST /api/v1/me/email/verify',
  'POST /api/v1/auth/logout',
]);

const setupIncomplete = () =>
  new FoyerError(403, 'setup_incomplete', 'Finish setting up your account first: register a passkey.');

/** Names the credentials of every protected route in the OpenAPI document, so clients can tell them from public ones. */
const PROTECTED_SECURITY: Record<string, string[]>[] = [{ session: [] }, { apiToken: [] }];

export const clientInfo = (request: FastifyRequest): ClientInfo => ({
  ip: request.ip ?? null,
  userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
});

/** Resolves the actor only when the request carries credentials, so public routes cost no query. */
export function installActorResolution(app: FoyerApp, deps: AppDeps): void {
  const cookieName = sessionCookieName(deps.config);
  const lastSeen = lastSeenBatch(deps.db, (error) => app.log.error({ err: error }, 'writing last-seen times failed'));
  app.addHook('onClose', () => lastSeen.flush());
  app.decorateRequest('actor', null);
  app.addHook('onRoute', (route) => {
    if (!isProtected(route.url) || route.schema?.hide) return;
    route.schema = { ...route.schema, security: route.schema?.security ?? PROTECTED_SECURITY };
  });
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      request.actor = await resolveApiToken(deps.db, authorization.slice('Bearer '.length).trim(), {
        ...clientInfo(request),
        now: new Date(),
      });
    } else {
      const token = request.cookies[cookieName];
      if (token) request.actor = await resolveSession(deps.db, lastSeen, token, new Date());
    }
    const route = request.routeOptions.url;
    if (request.actor?.setupOnly && !SETUP_ROUTES.has(`${request.method} ${route}`)) {
      if (route !== undefined && isProtected(route)) throw setupIncomplete();
      request.actor = null;
    }
    if (request.actor || route === undefined || !isProtected(route)) return;
    if (request.routeOptions.config.acceptsPendingSignIn) {
      // Checked here too, so a made-up cookie learns no more about the route's fields than no cookie at all.
      const pending = await findPendingSignIn(deps.db, pendingTokenOf(request, deps), new Date());
      if (pending?.stage === 'enrol') return;
    }
    throw unauthenticated();
  });
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}

export function requirePermission(request: FastifyRequest, permission: Permission): Actor {
  const actor = requireActor(request);
  authorize(actor, permission);
  return actor;
}

export function auditContext(request: FastifyRequest, now = new Date()): AuditContext {
  const actor = request.actor;
  const { ip, userAgent } = clientInfo(request);
  if (!actor) return { actorType: 'anonymous', actorId: null, ip, userAgent, now };
  // Token actions are attributed to the token; its row names the person who created it.
  return actor.via === 'api_token'
    ? { actorType: 'api_token', actorId: actor.apiTokenId, ip, userAgent, now }
    : { actorType: 'user', actorId: actor.user.id, ip, userAgent, now };
}

export function setSessionCookie(reply: FastifyReply, deps: AppDeps, token: string): void {
  reply.setCookie(sessionCookieName(deps.config), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply, deps: AppDeps): void {
  reply.clearCookie(sessionCookieName(deps.config), { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies });
}

/** For reads that serve more than one screen, e.g. the role list the users page needs for its dropdown. */
export function requireAnyPermission(request: FastifyRequest, permissions: Permission[]): Actor {
  const actor = requireActor(request);
  if (!permissions.some((p) => actor.permissions.has(p))) throw forbidden();
  return actor;
}
