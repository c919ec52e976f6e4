import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

/** The server's response shapes, generated from its OpenAPI document (see `npm run generate:api`). */
export type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type AdminUser = Schemas['AdminUser'];
export type UserStatus = Me['status'];
export type UserProfile = Me['profile'];
export type AuthMethod = AdminUser['authMethod'];
export type RoleRef = Me['roles'][number];

/** The JSON body a route answers with on success, for replies that have no schema name of their own. */
export type ReplyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

export type ErrorDetails = { fields?: Record<string, string> } & Record<string, unknown>;

type ErrorBody = { error?: { code?: string; message?: string; details?: ErrorDetails | null } };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(status: number, code: string, message: string, details?: ErrorDetails | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details ?? {};
  }

  get fields(): Record<string, string> {
    return this.details.fields ?? {};
  }
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError(0, 'client_error', err instanceof Error ? err.message : String(err));
}

const UNREACHABLE = 'Could not reach the Foyer server. Check your connection and try again.';

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called whenever the server says the session is gone, whichever call noticed it. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/**
 * The typed client for every route of the server. Call it through `call()`, which turns its `{ data, error }`
 * replies into a value or a thrown ApiError. It sends Content-Type only with a body: Fastify rejects an empty
 * body declared as JSON.
 */
export const client = createClient<paths>({ headers: { accept: 'application/json' }, credentials: 'same-origin' });

type Reply<T> = { data?: T; error?: unknown; response: Response };

/** The reply's body, or an ApiError with the server's code and message (or a sentence when there is none). */
export async function call<T>(request: Promise<Reply<T>>): Promise<T> {
  let reply: Reply<T>;
  try {
    reply = await request;
  } catch (err) {
    // fetch() rejects when the network fails; openapi-fetch rejects on a success body that is not JSON.
    if (err instanceof SyntaxError) {
      throw new ApiError(0, 'invalid_response', 'The server sent a reply the console could not read.');
    }
    throw new ApiError(0, 'network_error', UNREACHABLE);
  }
  if (reply.response.ok) return reply.data as T;
  const error = readError(reply.response.status, reply.error);
  if (error.status === 401 && error.code === 'unauthenticated') {
    unauthenticatedListeners.forEach((listener) => listener());
  }
  throw error;
}

const GATEWAY_ERRORS = new Set([502, 503, 504]);

function readError(status: number, body: unknown): ApiError {
  const fallback = GATEWAY_ERRORS.has(status)
    ? UNREACHABLE
    : `The server answered with an unexpected error (HTTP ${status}).`;
  // Proxies and crashed servers answer with HTML or nothing at all, which openapi-fetch hands over as text.
  const error = typeof body === 'object' && body !== null ? (body as ErrorBody).error : undefined;
  return new ApiError(status, error?.code ?? 'http_error', error?.message ?? fallback, error?.details);
}

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of a cursor-paged list, for pickers over sets that stay small (roles, groups). */
export async function everyPage<T>(fetchPage: (cursor?: string) => Promise<ListPage<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
