import type { FastifyRequest } from 'fastify';

/**
 * Keeps secrets out of every log line, at any depth: the logger options below apply it to each finished line, after
 * every serializer, whoever logged it (Foyer or a library). Two rules: a value under a sensitive key is replaced
 * whole; any other string has the secrets cut out of the URLs in it (link tokens in query strings and paths).
 */
export const REDACTED = '[redacted]';

// Passwords, tokens, secrets and codes under any spelling (`newPassword`, `sessionToken`, `clientSecret`), the
// credentials HTTP carries, and `params`: a database error lists the query's parameters there, and they can be
// anything the query was given (a token hash, a password hash, a person's email).
const SENSITIVE_KEY = /password|passwd|secret|token|cookie|authorization|credential|api[-_]?key|^params$|^parameters$/i;

// Tokens travel in a few URLs (setup and password links, public link checks): never let them reach a log line.
const TOKEN_IN_URL =
  /((?:token|code|state|secret|session_state|id_token|access_token)=)[^&\s"']+|(\/(?:signup-links|invitations|setup|login-links|verified-invitations)\/)[^/?\s"']{16,}/gi;

/** The URL (or any text holding URLs) with link tokens replaced. */
export const redactUrl = (text: string) =>
  text.replace(TOKEN_IN_URL, (_m, query: string | undefined, path: string | undefined) => `${query ?? path}${REDACTED}`);

// A database error's message (and so its stack) lists the query's parameters on a line of its own (drizzle).
const PARAMS_LINE = /(\nparams: )[^\n]*/g;

/** Any text that may reach a log: link tokens and database parameters cut out. */
export const redactText = (text: string) => redactUrl(text).replace(PARAMS_LINE, `$1${REDACTED}`);

// PostgreSQL repeats offending values in its errors: quoted in the message (`invalid input syntax …: "value"`), and
// in `detail` (`Key (email)=(…) already exists`) and `where` (`parameter $1 = '…'`).
const DATABASE_ERROR_DETAIL = /^(detail|where|hint|internalQuery)$/;
const QUOTED = /"[^"\n]*"/g;
const isDatabaseError = (value: object) => 'severity' in value || ('query' in value && 'params' in value);

const MAX_DEPTH = 12;

/** A copy of `value` with every secret replaced, however deep; cycles and very deep nesting are cut short. */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1, seen));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  const databaseError = isDatabaseError(value);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const present = item !== null && item !== undefined && item !== false;
    if (present && (SENSITIVE_KEY.test(key) || (databaseError && DATABASE_ERROR_DETAIL.test(key)))) copy[key] = REDACTED;
    else if (databaseError && typeof item === 'string' && (key === 'message' || key === 'stack')) copy[key] = redactText(item).replace(QUOTED, `"${REDACTED}"`);
    else copy[key] = redactDeep(item, depth + 1, seen);
  }
  return copy;
}

/**
 * The first-start setup link is the one secret Foyer logs on purpose (README: the operator opens it from the log).
 * It must be logged under this key, at the top of the line; nothing else is exempt.
 */
export const SETUP_LINK_KEY = 'setupLink';

/** One finished JSON log line, redacted; a line that is not JSON still has its URLs cleaned. */
export function redactLogLine(line: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return redactText(line);
  }
  const redacted = redactDeep(parsed) as Record<string, unknown>;
  const setupLink = (parsed as Record<string, unknown> | null)?.[SETUP_LINK_KEY];
  if (typeof setupLink === 'string') redacted[SETUP_LINK_KEY] = setupLink;
  return `${JSON.stringify(redacted)}\n`;
}

/** Pino options for every Foyer logger: spread them into the logger configuration. */
export const logRedaction = {
  hooks: { streamWrite: redactLogLine },
  serializers: {
    req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
  },
};
