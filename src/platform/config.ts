import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting Foyer reads, parsed once at start. Any variable may instead be given as `NAME_FILE`
 * pointing at a file holding the value (Docker/Kubernetes secrets), so secrets need not sit in the environment.
 */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const retentionDays = z.coerce.number({ message: 'must be a number of days' }).int({ message: 'must be a whole number of days' }).min(1);

const environmentVariables = z.object({
    PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    FOYER_DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// connection URL' })
      .optional(),
    FOYER_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
    FOYER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    FOYER_LOG_FORMAT: z.enum(['json', 'pretty'], { message: 'must be json or pretty' }).optional(),
    FOYER_METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
    FOYER_TRUST_PROXY: booleanFlag.default(false),
    FOYER_BOOTSTRAP_ADMIN_EMAIL: z.email({ message: 'must be an email address' }).optional(),
    FOYER_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(8, { message: 'must be at least 8 characters' }).optional(),
    FOYER_BOOTSTRAP_ADMIN_NAME: z.string().min(1).default('Administrator'),
    FOYER_BOOTSTRAP_ADMIN_USERNAME: z.string().min(1).default('admin'),
    FOYER_SMTP_URL: z
      .url({ protocol: /^smtps?$/, message: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587' })
      .optional(),
    FOYER_MAIL_FROM: z
      .string()
      .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
        message: 'must be an email address, optionally with a name: "Foyer <foyer@example.com>"',
      })
      .optional(),
    FOYER_SECRET_KEY: z
      .string()
      .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v.trim()), { message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' })
      .optional(),
    FOYER_RETENTION_TOKENS_DAYS: retentionDays.default(7),
    FOYER_RETENTION_MAIL_DAYS: retentionDays.default(30),
    FOYER_RETENTION_AUDIT_DAYS: retentionDays.optional(),
});

const environmentSchema = environmentVariables.superRefine((env, ctx) => {
    if (Boolean(env.FOYER_BOOTSTRAP_ADMIN_EMAIL) !== Boolean(env.FOYER_BOOTSTRAP_ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.FOYER_BOOTSTRAP_ADMIN_EMAIL ? 'FOYER_BOOTSTRAP_ADMIN_PASSWORD' : 'FOYER_BOOTSTRAP_ADMIN_EMAIL'],
        message: 'must be set together with the other FOYER_BOOTSTRAP_ADMIN_* variable',
      });
    }
  });

export interface Config {
  port: number;
  host: string;
  production: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Origin (scheme://host[:port]) used in links, for passkeys and for the CSRF Origin check. */
  publicUrl: URL;
  logLevel: string;
  /** Unset: pretty when standard output is a terminal, JSON lines otherwise. */
  logFormat: 'json' | 'pretty' | undefined;
  /** When set, `/metrics` answers requests bearing this token; otherwise it does not exist. */
  metricsToken: string | undefined;
  trustProxy: boolean;
  /** Cookies are `Secure` and `__Host-` prefixed everywhere except plain-http localhost development. */
  secureCookies: boolean;
  /** Sign-in attempts allowed per minute, from one IP and against one identifier. */
  bootstrapAdmin: { email: string; password: string; name: string; username: string } | undefined;
  /** SMTP from the environment; when set it takes precedence over the console's Settings → Email. */
  mail: { smtpUrl: string | undefined; from: string | undefined };
  /** AES-256 key for secrets stored in the database (see platform/secrets.ts). */
  secretKey: Buffer | undefined;
  /** Days kept after they stop mattering (see platform/retention.ts); audit events are kept forever without a value. */
  retention: { tokensDays: number; mailDays: number; auditDays: number | null };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `NAME_FILE` indirections for Foyer's own variables, so the schema only sees plain values. */
function resolveFileVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const known = Object.keys(environmentVariables.shape);
  const values: Record<string, string | undefined> = Object.fromEntries(known.map((name) => [name, env[name]]));
  for (const name of known) {
    const key = `${name}_FILE`;
    const path = env[key];
    if (!path) continue;
    if (env[name]) throw new ConfigError(`Set either ${name} or ${key}, not both.`);
    try {
      values[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new ConfigError(`${key} points at ${path}, which cannot be read.`);
    }
  }
  return values;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(
    Object.fromEntries(Object.entries(resolveFileVariables(env)).filter(([, v]) => v !== '')),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${variable} ${issue.message.replace(/^Invalid input: /, '')}.`);
  }
  const e = parsed.data;
  const publicUrl = new URL(e.FOYER_PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  const local = LOCAL_HOSTS.has(publicUrl.hostname) || publicUrl.hostname === '::1';
  // Secure cookies and passkeys need a secure context: plain http is only one on loopback.
  if (publicUrl.protocol === 'http:' && !local) {
    throw new ConfigError('FOYER_PUBLIC_URL must use https:// unless it points at localhost.');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    dataDir: resolve(e.FOYER_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: new URL(publicUrl.origin),
    logLevel: e.FOYER_LOG_LEVEL,
    logFormat: e.FOYER_LOG_FORMAT,
    metricsToken: e.FOYER_METRICS_TOKEN,
    trustProxy: e.FOYER_TRUST_PROXY,
    secureCookies: publicUrl.protocol === 'https:',
    bootstrapAdmin:
      e.FOYER_BOOTSTRAP_ADMIN_EMAIL && e.FOYER_BOOTSTRAP_ADMIN_PASSWORD
        ? {
            email: e.FOYER_BOOTSTRAP_ADMIN_EMAIL,
            password: e.FOYER_BOOTSTRAP_ADMIN_PASSWORD,
            name: e.FOYER_BOOTSTRAP_ADMIN_NAME,
            username: e.FOYER_BOOTSTRAP_ADMIN_USERNAME,
          }
        : undefined,
    mail: { smtpUrl: e.FOYER_SMTP_URL, from: e.FOYER_MAIL_FROM },
    secretKey: e.FOYER_SECRET_KEY ? Buffer.from(e.FOYER_SECRET_KEY.trim(), 'base64') : undefined,
    retention: { tokensDays: e.FOYER_RETENTION_TOKENS_DAYS, mailDays: e.FOYER_RETENTION_MAIL_DAYS, auditDays: e.FOYER_RETENTION_AUDIT_DAYS ?? null },
  };
}
