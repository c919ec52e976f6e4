import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet, { type HelmetOptions } from 'helmet';
import { z } from 'zod';
import type { Config } from './config.js';
import type { Database } from './db.js';
import { FoyerError } from './errors.js';
import { answerClientError, internalError, sendError, toFoyerError } from './http-errors.js';
import { loggerOptions, requestLogging } from './logging.js';
import { webDistFolder } from './paths.js';
import { unsafeTextPath } from './text.js';

export { redactUrl } from './log-redaction.js';

export type FoyerApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false` on routes that defend against cross-site requests themselves (the OpenID Provider's endpoints). */
    csrf?: boolean;
  }
}

/** What every route gets. Features add what they share through declaration merging (src/metrics adds `metrics`). */
export interface AppDeps {
  db: Database;
  config: Config;
  /** Where log lines go; standard output when absent. */
  logStream?: NodeJS.WritableStream;
}

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Declares the error replies a route may give, so they appear in the OpenAPI document. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, errorBodySchema])) as Record<number, typeof errorBodySchema>;

export const isoDate = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);


/** Stands for the per-response nonce in the CSP worked out at start-up; HTML responses fill it in. */
const NONCE = '{nonce}';

const helmetOptions = (config: Config): HelmetOptions => ({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      // Mantine injects its CSS variables in <style> elements, and gives them the nonce of the page (web/src/main.tsx).
      styleSrc: ["'self'", `'nonce-${NONCE}'`],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      upgradeInsecureRequests: config.secureCookies ? [] : null,
    },
  },
  strictTransportSecurity: config.secureCookies,
});

// The console uses none of these; passkeys and copying links to the clipboard are the browser features it needs.
const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'bluetooth=()',
  'display-capture=()',
  'publickey-credentials-create=(self)',
  'publickey-credentials-get=(self)',
  'clipboard-write=(self)',
].join(', ');

/**
 * Helmet's headers, worked out once at start-up. They depend only on the configuration, and building them per
 * request (as @fastify/helmet does) parsed the CSP directives again on every response, which showed in the
 * session check's profile (bench/ figure 3).
 */
function securityHeaders(config: Config): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => undefined,
  };
  helmet(helmetOptions(config))(
    {} as IncomingMessage,
    collector as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  headers['permissions-policy'] = PERMISSIONS_POLICY;
  return headers;
}

/** The public OpenAPI document is the one API reply without personal data; every other one must not be cached. */
const isPersonalDataReply = (url: string) => url.startsWith('/api/') && !url.startsWith('/api/v1/openapi.json');

/**
 * The console's index.html, read once, with a fresh nonce per response: the CSP allows only <style> elements that
 * carry it, and the page hands it to Mantine through a meta element.
 */
const IMMUTABLE_ASSET = 'public, max-age=31536000, immutable';

function webIndex(cspTemplate: string) {
  const file = join(webDistFolder, 'index.html');
  if (!existsSync(file)) return null;
  const html = readFileSync(file, 'utf8');
  return (reply: FastifyReply) => {
    const nonce = randomBytes(16).toString('base64');
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', cspTemplate.replace(NONCE, nonce))
      .send(html.replace('<head>', `<head><meta name="csp-nonce" content="${nonce}">`));
  };
}

/**
 * Input validation: before a route's own Zod schema looks at a part of the request, every string and key in it is
 * checked for NUL and unpaired surrogates. This sits in the validator compiler rather than in a shared Zod string
 * type so that it covers every route, present and future, whatever its schema uses (z.string, z.email, records,
 * unions), and after the preValidation hooks, so authentication still answers first.
 */
function rejectingUnsafeText(route: Parameters<typeof validatorCompiler>[0]) {
  const validate = validatorCompiler(route);
  return (data: unknown) => {
    const path = unsafeTextPath(data);
    if (path === null) return validate(data);
    const field = path || route.httpPart || 'body';
    const message = 'must not contain NUL characters or unpaired surrogates';
    return { error: new FoyerError(400, 'validation_failed', 'Some fields are missing or invalid.', { details: { fields: { [field]: message } } }) };
  };
}

/**
 * A body the route stopped reading (a CSV upload refused mid-way) would otherwise sit in the socket, and the next
 * request on that keep-alive connection would wait behind it until the idle timeout (issue 16: 73 s). Node only
 * discards bodies no one started reading, so the rest is read and dropped here, up to the route's body limit; past
 * it, the connection is closed.
 */
function discardUnreadBody(request: FastifyRequest): void {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return;
  const limit = request.routeOptions.bodyLimit ?? 1024 * 1024;
  let discarded = 0;
  // An abandoned async iterator still listens for 'readable', which would keep the stream from flowing.
  raw.removeAllListeners('readable');
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    // Destroying a request that has not ended closes its connection.
    if (discarded > limit) raw.destroy();
  });
  raw.resume();
}

/**
 * The HTTP shell shared by every feature: validation, error shape, CSRF, security headers, OpenAPI and the web app.
 * Features register their routes through `register`, which runs after the shared plugins are ready.
 */
export async function createHttpServer(
  config: Config,
  logStream: NodeJS.WritableStream | undefined,
  register: (app: FoyerApp) => Promise<void> | void,
): Promise<FoyerApp> {
  const headers = securityHeaders(config);
  const cspTemplate = headers['content-security-policy']!;
  headers['content-security-policy'] = cspTemplate.replace(` 'nonce-${NONCE}'`, '');
  const responseHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(headers);
    if (isPersonalDataReply(request.url)) reply.header('cache-control', 'no-store');
  };

  const app = Fastify({
    logger: loggerOptions(config, logStream),
    logController: requestLogging(),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Refusals from the router itself (bad percent-encoding, a path segment over the length limit) skip the hooks.
    frameworkErrors: (error, request, reply) => {
      responseHeaders(request, reply);
      return sendError(reply, toFoyerError(error) ?? internalError());
    },
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>() as unknown as FoyerApp;

  app.setValidatorCompiler(rejectingUnsafeText);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toFoyerError(error);
    if (known) return sendError(reply, known);
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, internalError());
  });

  await app.register(fastifyCookie);
  app.addHook('onRequest', (request, reply, done) => {
    responseHeaders(request, reply);
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    discardUnreadBody(request);
    done();
  });

  // Cookies are ambient authority: a state-changing request that carries ours must come from our own origin.
  // Browsers always send Origin on such requests; a request with an Origin from elsewhere is refused even without
  // a cookie, which also stops sign-in CSRF. Bearer-token clients are not browsers and are exempt.
  app.addHook('onRequest', async (request) => {
    if (!STATE_CHANGING.has(request.method) || request.routeOptions.config.csrf === false) return;
    if (request.headers.authorization?.startsWith('Bearer ')) return;
    const origin = request.headers.origin;
    const carriesCookie = Boolean(request.headers.cookie);
    if (origin === config.publicUrl.origin) return;
    if (origin !== undefined || carriesCookie) {
      throw new FoyerError(403, 'csrf_rejected', 'This request did not come from the Foyer web app and was refused.');
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Foyer API', version: '1', description: 'User onboarding and access management.' },
      servers: [{ url: config.publicUrl.origin }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(config) },
          apiToken: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
    // Lifts schemas named with .meta({ id }) into components.schemas, so every $ref resolves.
    transformObject: jsonSchemaTransformObject,
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  await app.register(async (scoped) => {
    await register(scoped as FoyerApp);
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const sendIndex = webIndex(cspTemplate);
  if (sendIndex) {
    // index.html itself is only ever sent with its nonce, by the not-found handler below.
    await app.register(fastifyStatic, {
      root: webDistFolder,
      wildcard: false,
      index: false,
      allowedPath: (path) => path !== '/index.html',
      // The build names each asset after a hash of its content, so a name never changes meaning: browsers keep
      // them for good instead of asking again on every page load. index.html, which names them, is never kept.
      setHeaders: (reply, path) => {
        if (path.startsWith(join(webDistFolder, 'assets'))) reply.header('cache-control', IMMUTABLE_ASSET);
      },
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (request.method === 'GET' && !path.startsWith('/api/') && sendIndex) {
      // The console is a single-page app: every non-API path renders it and the client router takes over.
      return sendIndex(reply);
    }
    return sendError(reply, new FoyerError(404, 'not_found', 'There is nothing at this address.'));
  });

  return app;
}

export function sessionCookieName(config: Config): string {
  // The __Host- prefix pins the cookie to this exact origin, but browsers only accept it with Secure.
  return config.secureCookies ? '__Host-foyer_session' : 'foyer_session';
}
