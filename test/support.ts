import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { createTestDatabase } from './databases.js';
import { buildApp } from '../src/app.js';
import { systemContext } from '../src/audit/record.js';
import { builtinRoleId, createUser, type Actor, type NewUser, type UserRow } from '../src/accounts/index.js';
import { hashNewPassword } from '../src/auth/index.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import type { Database, DatabaseHandle, OpenOptions } from '../src/platform/db.js';
import type { FoyerApp } from '../src/platform/http.js';

export { createTestDatabase };

export const TEST_ORIGIN = 'http://localhost:3000';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ FOYER_LOG_LEVEL: process.env.FOYER_TEST_LOG_LEVEL ?? 'silent', FOYER_DATA_DIR: '/nonexistent', ...env });
}

export interface TestApp {
  app: FoyerApp;
  handle: DatabaseHandle;
  config: Config;
  close(): Promise<void>;
}

export async function createTestApp(
  env: Record<string, string> = {},
  options: OpenOptions = {},
  logStream?: NodeJS.WritableStream,
): Promise<TestApp> {
  const handle = await createTestDatabase(options);
  const config = testConfig(env);
  const app = await buildApp({ db: handle.db, config, logStream });
  await app.ready();
  return {
    app,
    handle,
    config,
    async close() {
      await app.close();
      await handle.close();
    },
  };
}

let counter = 0;
/**
 * A user with sensible unique defaults; `roles` are built-in role keys. `password` (default 'correct horse battery';
 * `undefined` for none) is hashed here, as every flow hashes before its transaction.
 */
export async function seedUser(handle: DatabaseHandle, input: Partial<NewUser> & { roles?: string[]; password?: string } = {}) {
  counter += 1;
  const suffix = `${counter}${randomBytes(3).toString('hex')}`;
  const { roles, password, ...fields } = { password: 'correct horse battery', ...input };
  const roleIds = await Promise.all((roles ?? []).map((key) => builtinRoleId(handle.db, key)));
  const passwordHash = fields.passwordHash ?? (password === undefined ? undefined : await hashNewPassword(password));
  return createUser(handle.db, systemContext(), {
    name: `User ${suffix}`,
    email: `user${suffix}@example.com`,
    username: `user${suffix}`,
    ...fields,
    passwordHash,
    roleIds: [...(fields.roleIds ?? []), ...roleIds],
  }, testConfig());
}

/** The session cookie pair (`name=value`) from a response that set one. */
export function sessionCookieFrom(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name.endsWith('foyer_session') && c.value);
  if (!cookie) throw new Error(`no session cookie in response ${response.statusCode}: ${response.body}`);
  return `${cookie.name}=${cookie.value}`;
}

export async function signIn(app: FoyerApp, identifier: string, password = 'correct horse battery'): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: TEST_ORIGIN },
    payload: { identifier, password },
  });
  return sessionCookieFrom(response);
}

/** Same-origin browser-like request headers for a signed-in cookie session. */
export const asBrowser = (cookie: string) => ({ cookie, origin: TEST_ORIGIN });

/** An actor for calling a service directly, as a signed-in `user` holding exactly `permissions`. */
export const actorFor = (user: UserRow, permissions: Iterable<string>): Actor => ({
  via: 'session',
  sessionId: null,
  apiTokenId: null,
  authenticatedAt: null,
  setupOnly: false,
  user: { ...user, roles: [] },
  permissions: new Set(permissions),
});

/** Race tests (PostgreSQL): resolves once some other connection to the test's database waits for a row lock. */
export async function someoneWaitsForALock(handle: DatabaseHandle): Promise<void> {
  for (;;) {
    const rows = await handle.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((rows as unknown as { rows: { n: number }[] }).rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Race tests: runs `work` in a transaction and keeps it open, uncommitted, until `commit()`. `done` resolves once
 * `work` has run (its writes hold their row locks from then on); `committed` once the transaction has ended.
 */
export function uncommitted(db: Database, work: (tx: Database) => Promise<unknown>) {
  let commit!: () => void;
  const released = new Promise<void>((resolve) => (commit = resolve));
  let markDone!: () => void;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  const committed = db.transaction(async (tx) => {
    await work(tx);
    markDone();
    await released;
  });
  return { done, commit, committed };
}
