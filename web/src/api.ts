export type UserStatus = 'active' | 'disabled' | 'revoked' | 'pending_approval';
export type UserProfile = 'member' | 'external';
export type AuthMethod = 'local' | 'sso' | 'sso_password' | 'pending_setup';

export type RoleRef = { id: string; name: string };

export type Me = {
  id: string;
  name: string;
  email: string;
  username: string;
  status: UserStatus;
  profile: UserProfile;
  roles: RoleRef[];
  permissions: string[];
  createdAt: string;
  lastLoginAt: string | null;
  emailVerified: boolean;
};

export type AdminUser = {
  id: string;
  name: string;
  email: string;
  username: string;
  status: UserStatus;
  profile: UserProfile;
  roles: RoleRef[];
  authMethod: AuthMethod;
  lastLoginAt: string | null;
};

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

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Only declare a JSON body when there is one: Fastify rejects an empty body sent as application/json.
  if (body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', UNREACHABLE);
  }

  if (response.ok) return response.status === 204 ? (undefined as T) : readJson<T>(response);

  const error = await readError(response);
  if (error.status === 401 && error.code === 'unauthenticated') {
    unauthenticatedListeners.forEach((listener) => listener());
  }
  throw error;
}

async function readJson<T>(response: Response): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(response.status, 'invalid_response', 'The server sent a reply the console could not read.');
  }
}

const GATEWAY_ERRORS = new Set([502, 503, 504]);

async function readError(response: Response): Promise<ApiError> {
  const fallback = GATEWAY_ERRORS.has(response.status)
    ? UNREACHABLE
    : `The server answered with an unexpected error (HTTP ${response.status}).`;
  try {
    const { error } = (await response.json()) as ErrorBody;
    return new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? fallback, error?.details);
  } catch {
    // Proxies and crashed servers answer with HTML or nothing at all.
    return new ApiError(response.status, 'http_error', fallback);
  }
}
