import { existsSync } from 'node:fs';
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
  hasZodFastifySchemaValidationErrors,
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
import { webDistFolder } from './paths.js';

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

// Tokens travel in a few URLs (setup and password links, public link checks): never let them reach a log line.
const TOKEN_IN_URL = /((?:token|code)=)[^&]+|(\/(?:signup-links|invitations|setup|login-links)\/)[^/?]{16,}/gi;
export const redactUrl = (url: string) => url.replace(TOKEN_IN_URL, (_m, q: string | undefined, p: string | undefined) => `${q ?? p}[redacted]`);

function loggerOptions(config: Config, stream: NodeJS.WritableStream | undefined) {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
    },
  };
}

const helmetOptions = (config: Config): HelmetOptions => ({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      // Mantine injects CSS variables at runtime.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
      upgradeInsecureRequests: config.secureCookies ? [] : null,
    },
  },
  strictTransportSecurity: config.secureCookies,
});

/**
 * Helmet's headers, worked out once at start-up. They depend only on the configuration, and building them per
 * request (as @fastify/helmet does) parsed the CSP directives again on every response, which showed in the
 * session check's profile (bench/ figure 3).
 */
function securityHeaders(config: Config): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name] = String(value);
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
  return headers;
}

function sendError(reply: FastifyReply, error: FoyerError) {
  if (error.headers) reply.headers(error.headers);
  return reply.status(error.status).send({
    error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
  });
}

function toFoyerError(error: FastifyError | FoyerError | Error): FoyerError | null {
  if (error instanceof FoyerError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields: Record<string, string> = {};
    for (const issue of error.validation) {
      const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || (error.validationContext ?? 'body');
      fields[field] ??= issue.message ?? 'is invalid';
    }
    return new FoyerError(400, 'validation_failed', 'Some fields are missing or invalid.', { details: { fields } });
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    const code = (error as FastifyError).code?.replace(/^FST_(ERR_)?/, '').toLowerCase() || 'bad_request';
    return new FoyerError(status, code, error.message);
  }
  return null;
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
  const app = Fastify({
    logger: loggerOptions(config, logStream),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>() as unknown as FoyerApp;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toFoyerError(error);
    if (known) return sendError(reply, known);
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, new FoyerError(500, 'internal_error', 'Something went wrong on our side. Please try again.'));
  });

  await app.register(fastifyCookie);
  const headers = securityHeaders(config);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
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

  const webIndex = join(webDistFolder, 'index.html');
  if (existsSync(webIndex)) {
    await app.register(fastifyStatic, { root: webDistFolder, wildcard: false, index: false });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (request.method === 'GET' && !path.startsWith('/api/') && existsSync(webIndex)) {
      // The console is a single-page app: every non-API path renders it and the client router takes over.
      return reply.type('text/html').sendFile('index.html');
    }
    return sendError(reply, new FoyerError(404, 'not_found', 'There is nothing at this address.'));
  });

  return app;
}

export function sessionCookieName(config: Config): string {
  // The __Host- prefix pins the cookie to this exact origin, but browsers only accept it with Secure.
  return config.secureCookies ? '__Host-foyer_session' : 'foyer_session';
}
