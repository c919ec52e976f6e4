import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailSink, type MailSink } from './mail-sink.js';
import { FROM_SOURCE, PROFILE } from './options.js';
import { freePort, repoRoot, startProcess, type Running } from './processes.js';

export interface Foyer extends Running {
  /** The public origin browsers would use: state-changing requests must carry it as `Origin`. */
  origin: string;
  admin: { email: string; password: string };
}

export const PROFILE_DIR = join(repoRoot, 'bench/results/profiles');

let mailSink: Promise<MailSink> | undefined;

/** Stops the mail sink every Foyer of the run sends to, if one was started. */
export async function stopMailSink(): Promise<void> {
  await (await mailSink)?.stop();
}

/**
 * The built Foyer (`dist/`) as a separate process, on PostgreSQL when `databaseUrl` is given and on PGlite in a
 * throwaway data directory otherwise, with a bootstrap administrator. `name` names the folder of its CPU profiles
 * (one file per thread).
 */
export async function startFoyer(name: string, databaseUrl?: string): Promise<Foyer> {
  if (!FROM_SOURCE && !existsSync(join(repoRoot, 'dist/src/main.js'))) throw new Error('Build first: npm run build (npm run bench does).');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'foyer-bench-data-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeDataDir);
  // WebAuthn needs a domain for its relying party, so the public URL says localhost while clients use 127.0.0.1.
  const origin = `http://localhost:${port}`;
  const admin = { email: 'bench-admin@example.com', password: 'correct horse battery' };
  mailSink ??= startMailSink();
  const smtpUrl = (await mailSink).url;
  const profiling = PROFILE ? ['--cpu-prof', '--cpu-prof-dir', join(PROFILE_DIR, `${name}-${Date.now()}`)] : [];
  const entry = FROM_SOURCE ? ['--import', 'tsx', 'src/main.ts'] : ['dist/src/main.js'];
  const running = await startProcess(
    [...profiling, ...entry, 'serve'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      FOYER_PUBLIC_URL: origin,
      FOYER_DATA_DIR: dataDir,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      FOYER_LOG_LEVEL: 'warn',
      // Apps' signing keys and client secrets are sealed with it; a throwaway one per run.
      FOYER_SECRET_KEY: randomBytes(32).toString('base64'),
      FOYER_SMTP_URL: smtpUrl,
      FOYER_MAIL_FROM: 'Foyer <foyer@example.com>',
      FOYER_BOOTSTRAP_ADMIN_EMAIL: admin.email,
      FOYER_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      // As behind the reverse proxy of a real deployment: clients are told apart by X-Forwarded-For.
      FOYER_TRUST_PROXY: 'true',
    },
    port,
    '/readyz',
  );
  return {
    ...running,
    origin,
    admin,
    stop: async () => {
      await running.stop();
      removeDataDir();
      process.off('exit', removeDataDir);
    },
  };
}

/** The session cookie a sign-in answered with, as a `Cookie` header. */
export async function cookieFrom(response: Response): Promise<string> {
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  if (!response.ok || !cookie) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return cookie;
}

export const jsonHeaders = (foyer: Foyer, cookie?: string): Record<string, string> => ({
  'content-type': 'application/json',
  origin: foyer.origin,
  ...(cookie ? { cookie } : {}),
});

/** Signs the bootstrap administrator in with its password and returns the session cookie. */
export async function signInAdmin(foyer: Foyer): Promise<string> {
  const response = await fetch(`${foyer.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: jsonHeaders(foyer),
    body: JSON.stringify({ identifier: foyer.admin.email, password: foyer.admin.password }),
  });
  return cookieFrom(response);
}
