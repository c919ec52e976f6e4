import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveApiToken } from '../api-tokens/index.js';
import type { AuditContext } from '../audit/index.js';
import { forbidden, unauthenticated } from '../platform/errors.js';
import { sessionCookieName, type AppDeps, type FoyerApp } from '../platform/http.js';
import type { Permission } from '../roles/index.js';
import { authorize, type Actor } from './actor.js';
import { SESSION_ABSOLUTE_MS, resolveSession, type ClientInfo } from './sessions/service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Resolved once per request from the session cookie or the bearer token; null when anonymous. */
    actor: Actor | null;
  }
}

export const clientInfo = (request: FastifyRequest): ClientInfo => ({
  ip: request.ip ?? null,
  userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
});

/** Resolves the actor only when the request carries credentials, so public routes cost no query. */
export function installActorResolution(app: FoyerApp, deps: AppDeps): void {
  const cookieName = sessionCookieName(deps.config);
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      request.actor = await resolveApiToken(deps.db, authorization.slice('Bearer '.length).trim(), {
        ...clientInfo(request),
        now: new Date(),
      });
      return;
    }
    const token = request.cookies[cookieName];
    if (token) request.actor = await resolveSession(deps.db, token, new Date());
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
