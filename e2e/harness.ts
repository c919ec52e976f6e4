/**
 * End-to-end harness: a real Foyer process (the same `serve` command operators run) on a free loopback port with a
 * private database, and a headless Chromium driven by playwright-core. Flows live in `e2e/*.test.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { browserForFile } from './browser.js';
import { afterAll, beforeAll, inject, test } from 'vitest';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const resultsDir = join(repoRoot, 'test-results');

// Generous because CI machines may be busy; a healthy start takes about a second.
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;
const MAX_LOG_CHARS = 1_000_000;

export interface BootstrapAdmin {
  email: string;
  password: string;
  name: string;
  username: string;
}

export interface Foyer {
  /** Base URL for the browser: `http://localhost:<port>`, the configured FOYER_PUBLIC_URL (so `Origin` matches). */
  url: string;
  port: number;
  /** The administrator created at start from the FOYER_BOOTSTRAP_ADMIN_* variables. */
  admin: BootstrapAdmin;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** Stops the process (SIGTERM, then SIGKILL) and deletes its database. Safe to call more than once. */
  stop(): Promise<void>;
}

const DEFAULT_ADMIN: BootstrapAdmin = {
  email: 'ada.admin@example.com',
  password: 'e2e correct horse battery',
  name: 'Ada Admin',
  username: 'ada',
};

// Foyer's own settings must come only from startFoyer, never from whoever runs the tests.
const isFoyerSetting = (name: string) =>
  /^(FOYER_|DATABASE_URL(_FILE)?$|PORT(_FILE)?$|HOST(_FILE)?$|NODE_ENV(_FILE)?$)/.test(name);

// A test worker that dies must not leave servers running.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('could not pick a free port'));
      server.close(() => resolvePort(address.port));
    });
  });
}

function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

interface Storage {
  env: Record<string, string>;
  describe: string;
  remove(): Promise<void>;
}

/**
 * The migrated database test/global-setup.ts made for this run, so a Foyer starts without migrating (most of its
 * start-up time). Outside vitest (`npm run screenshots`) there is none, and Foyer migrates as it does in production.
 */
function migratedTemplate(): string | undefined {
  try {
    return inject('foyerDataTemplate');
  } catch {
    return undefined;
  }
}

/** A fresh PostgreSQL database on TEST_DATABASE_URL's server, or else a fresh embedded PGlite data directory. */
async function createStorage(): Promise<Storage> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const template = migratedTemplate();
  if (serverUrl) {
    const name = `foyer_e2e_${randomBytes(6).toString('hex')}`;
    const runSql = async (statement: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    await runSql(`create database ${name}${template ? ` template ${template}` : ''}`);
    return {
      // On PostgreSQL, as in production, stored secrets (TOTP seeds, SMTP and SSO client secrets) need a key.
      env: { DATABASE_URL: withDatabaseName(serverUrl, name), FOYER_SECRET_KEY: randomBytes(32).toString('base64') },
      describe: `PostgreSQL database ${name}`,
      remove: () => runSql(`drop database if exists ${name} with (force)`),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'foyer-e2e-'));
  if (template) cpSync(template, join(dir, 'data'), { recursive: true });
  return {
    env: { FOYER_DATA_DIR: join(dir, 'data') },
    describe: `PGlite in ${dir}`,
    remove: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Starts `foyer serve` (through tsx, from the sources) on a free port with a private database and a bootstrap
 * administrator, and resolves once `GET /readyz` answers 200. `env` overrides or (with `undefined`) removes any
 * variable the harness sets; the returned `admin` follows the FOYER_BOOTSTRAP_ADMIN_* overrides.
 */
export async function startFoyer(env: Record<string, string | undefined> = {}): Promise<Foyer> {
  if (!existsSync(join(repoRoot, 'web', 'dist', 'index.html'))) {
    throw new Error('The web console is not built (web/dist/index.html is missing): run `npm run build:web` first.');
  }
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const storage = await createStorage();

  const settings: Record<string, string | undefined> = {
    ...storage.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    FOYER_PUBLIC_URL: url,
    FOYER_BOOTSTRAP_ADMIN_EMAIL: DEFAULT_ADMIN.email,
    FOYER_BOOTSTRAP_ADMIN_PASSWORD: DEFAULT_ADMIN.password,
    FOYER_BOOTSTRAP_ADMIN_NAME: DEFAULT_ADMIN.name,
    FOYER_BOOTSTRAP_ADMIN_USERNAME: DEFAULT_ADMIN.username,
    FOYER_LOG_LEVEL: 'warn',
    ...env,
  };
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !isFoyerSetting(name)));
  const childEnv = Object.fromEntries(
    Object.entries({ ...inherited, ...settings }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  child.once('exit', () => running.delete(child));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (!exited(child)) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_GRACE_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_GRACE_MS);
        }
      }
      await storage.remove();
    })());

  try {
    await waitUntilReady(port, child, () => spawnError);
  } catch (error) {
    await stop().catch(() => undefined);
    const logs = output.trim() || '(no output)';
    throw new Error(`${(error as Error).message} (${storage.describe}). Foyer's output:\n${logs}`, { cause: error });
  }

  const adminEmail = settings.FOYER_BOOTSTRAP_ADMIN_EMAIL;
  const adminPassword = settings.FOYER_BOOTSTRAP_ADMIN_PASSWORD;
  const admin: BootstrapAdmin | undefined =
    adminEmail && adminPassword
      ? {
          email: adminEmail,
          password: adminPassword,
          // The server's own defaults when the overrides remove these two.
          name: settings.FOYER_BOOTSTRAP_ADMIN_NAME ?? 'Administrator',
          username: settings.FOYER_BOOTSTRAP_ADMIN_USERNAME ?? 'admin',
        }
      : undefined;

  return {
    url,
    port,
    get admin(): BootstrapAdmin {
      if (!admin) throw new Error('This Foyer was started without FOYER_BOOTSTRAP_ADMIN_EMAIL/PASSWORD.');
      return admin;
    },
    logs: () => output,
    stop,
  };
}

async function waitUntilReady(port: number, child: ChildProcess, spawnError: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    const error = spawnError();
    if (error) throw new Error(`Foyer could not be started: ${error.message}`);
    if (exited(child)) {
      throw new Error(`Foyer exited before it was ready (exit code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      lastProblem = `GET /readyz answered ${response.status}`;
    } catch (err) {
      lastProblem = `GET /readyz failed: ${(err as Error).message}`;
    }
    await sleep(200);
  }
  throw new Error(`Foyer was not ready within ${READY_TIMEOUT_MS / 1000} s on port ${port}; last: ${lastProblem}`);
}

export { addVirtualAuthenticator, browserForFile, CHROMIUM_ARGS, launchBrowser } from './browser.js';

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown by the page's scripts; a healthy flow leaves this empty. */
  pageErrors: Error[];
}

/** A fresh browser context (own cookies) whose relative URLs resolve against Foyer's public URL. */
export async function openSession(browser: Browser, foyer: Pick<Foyer, 'url'>): Promise<BrowserSession> {
  const context = await browser.newContext({ baseURL: foyer.url, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return { context, page, pageErrors };
}

/** Signs the bootstrap administrator in through the sign-in page, and waits for their Home. */
export async function signInAsAdmin(page: Page, foyer: Pick<Foyer, 'admin'>): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email or username').fill(foyer.admin.email);
  await page.getByLabel('Password', { exact: true }).fill(foyer.admin.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
}

/** Same-origin writes from a signed-in browser, for set-up the flow itself is not about. */
export const sameOriginPost =
  (session: Pick<BrowserSession, 'context'>, foyer: Pick<Foyer, 'url'>) =>
  (path: string, data: unknown) =>
    session.context.request.post(path, { data, headers: { origin: foyer.url } });

/** Saves a full-page screenshot as `test-results/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The first body row of `table` containing `text`, as {column header: cell text}. */
export async function tableRow(table: Locator, text: string): Promise<Record<string, string>> {
  const row = table.locator('tbody tr').filter({ hasText: text });
  await row.first().waitFor();
  const headers = await table.locator('thead th').allInnerTexts();
  const cells = await row.first().locator('td').allInnerTexts();
  return Object.fromEntries(headers.map((header, i) => [header.trim(), (cells[i] ?? '').trim()]));
}

/**
 * Declares the dependent steps of one flow as consecutive tests. Once a step fails, the later ones are skipped
 * (their failure would only echo the first), and the page and Foyer's output at that moment are saved as
 * `test-results/<prefix>-failed.png` and `.log`.
 */
export function flowSteps(prefix: string, current: () => { page?: Page; foyer?: Foyer }) {
  let failed = false;
  let started = false;
  const failurePath = (ext: string) => join(resultsDir, `${prefix}-failed.${ext}`);
  return (name: string, body: () => Promise<void>) =>
    test(name, async (context) => {
      if (failed) context.skip('an earlier step of this flow failed');
      if (!started) {
        started = true;
        for (const ext of ['png', 'log']) rmSync(failurePath(ext), { force: true });
      }
      try {
        await body();
      } catch (error) {
        failed = true;
        const { page, foyer } = current();
        if (page) await screenshot(page, `${prefix}-failed`).catch(() => undefined);
        if (foyer) {
          mkdirSync(resultsDir, { recursive: true });
          writeFileSync(failurePath('log'), foyer.logs());
        }
        throw error;
      }
    });
}

/**
 * The usual flow: one Foyer (started with `env`), one Chromium and one signed-out browser session, made before the
 * first step and closed after the last, with the steps of `flowSteps`. Reading `foyer`, `browser` or `session` before
 * the start fails the step that does it.
 */
export function browserFlow(prefix: string, env: Record<string, string | undefined> = {}) {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let session: BrowserSession | undefined;
  beforeAll(async () => {
    foyer = await startFoyer(env);
    browser = await browserForFile();
    session = await openSession(browser, foyer);
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`the ${prefix} flow has not started`);
    return value;
  };
  return {
    step: flowSteps(prefix, () => ({ page: session?.page, foyer })),
    get foyer() {
      return started(foyer);
    },
    get browser() {
      return started(browser);
    },
    get session() {
      return started(session);
    },
  };
}
