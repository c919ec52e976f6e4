import { finished } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors.js';
import type { FoyerApp } from '../../platform/http.js';
import { withGrantPrefetch } from './adapter.js';
import { attachActor, type Engine, type EngineProvider } from './engine.js';

const handlers = new WeakMap<EngineProvider, ReturnType<EngineProvider['callback']>>();

/**
 * Hands the engine's paths to oidc-provider's own request handler (a Koa app) with the raw request and response,
 * the way its documentation mounts it under other frameworks. The scope parses no bodies, so the engine reads the
 * untouched stream itself, and its endpoints do their own CSRF defence (client authentication, PKCE, state and
 * the form tokens of its logout page), so Foyer's cookie-origin check stays off here.
 */
export function mountEngine(app: FoyerApp, engine: Engine): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handle = async (request: FastifyRequest, reply: FastifyReply) => {
      // Interaction paths are Foyer's own routes (./interactions.ts); one reaching here did not match them (a uid
      // longer than the router takes), so it answers like any unknown Foyer path instead of the engine's bare 404.
      if (request.url.startsWith('/oidc/interaction/')) throw notFound('This sign-in step');
      const provider = await engine.current();
      let handler = handlers.get(provider);
      if (!handler) {
        handler = provider.callback();
        handlers.set(provider, handler);
      }
      attachActor(request.raw, request.actor);
      reply.hijack();
      reply.raw.setHeader('x-content-type-options', 'nosniff');
      reply.raw.setHeader('content-security-policy', "frame-ancestors 'none'");
      withGrantPrefetch(() => handler(request.raw, reply.raw));
      await finished(reply.raw).catch(() => undefined);
    };
    const options = { schema: { hide: true }, config: { csrf: false } };
    scope.get('/.well-known/openid-configuration', options, handle);
    scope.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/oidc/*', ...options, handler: handle });
  });
}
