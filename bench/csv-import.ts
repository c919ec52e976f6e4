/**
 * CSV import throughput: `npx tsx bench/csv-import.ts`. Generates a 100,000-row CSV as a stream and uploads it to a
 * real listening Foyer through `fetch`, on PGlite and, when BENCH_DATABASE_URL is set (a PostgreSQL server where
 * the user may create databases), on a throwaway database there. Prints rows/s; the goal is at least 10,000.
 * BENCH_ROWS changes the size of the file; BENCH_GRANTS=none leaves every row's roles and groups empty. Never part of
 * `npm test`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { buildApp, prepareDatabase } from '../src/app.js';
import { systemContext } from '../src/audit/record.js';
import { loadConfig } from '../src/platform/config.js';
import { openEmbedded, openPostgres, type DatabaseHandle } from '../src/platform/db.js';
import { builtinRoleId } from '../src/roles/builtin.js';
import { groups } from '../src/groups/schema.js';
import { createUser } from '../src/users/service.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const GOAL = 10_000;
const ROWS_PER_CHUNK = 500;
const GRANTS = process.env.BENCH_GRANTS === 'none' ? ',' : 'Member,Imported';

/** By default every row names a role and a group, so the import writes users, user_roles, group_members and audit events. */
function* csvChunks(rows: number): Generator<string> {
  yield 'name,email,username,roles,groups\n';
  for (let start = 0; start < rows; start += ROWS_PER_CHUNK) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + ROWS_PER_CHUNK); i += 1) {
      chunk += `Person ${i},person.${i}@example.com,person.${i},${GRANTS}\n`;
    }
    yield chunk;
  }
}

interface Measurement {
  seconds: number;
  summary: { created: number; skipped: number; failed: number; total: number };
}

async function measure(handle: DatabaseHandle, dataDir: string): Promise<Measurement> {
  await prepareDatabase(handle);
  const password = 'bench correct horse battery';
  await createUser(handle.db, systemContext(), {
    name: 'Bench Admin',
    email: 'bench-admin@example.com',
    username: 'bench-admin',
    password,
    roleIds: [await builtinRoleId(handle.db, 'admin')],
  });
  const now = new Date();
  await handle.db.insert(groups).values({ name: 'Imported', createdAt: now, updatedAt: now });

  const config = loadConfig({ FOYER_LOG_LEVEL: 'warn', FOYER_DATA_DIR: dataDir, PORT: '0' });
  const app = await buildApp({ db: handle.db, config });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    const base = `http://127.0.0.1:${address.port}`;
    const origin = config.publicUrl.origin;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ identifier: 'bench-admin@example.com', password }),
    });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (!login.ok || !cookie) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);

    const started = performance.now();
    const response = await fetch(`${base}/api/v1/admin/users/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', cookie, origin },
      body: Readable.toWeb(Readable.from(csvChunks(ROWS))) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    const body = (await response.json()) as Measurement & { error?: unknown };
    const seconds = (performance.now() - started) / 1000;
    if (!response.ok || body.error) throw new Error(`import failed: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
    return { seconds, summary: body.summary };
  } finally {
    await app.close();
  }
}

function report(database: string, { seconds, summary }: Measurement): boolean {
  const rate = summary.total / seconds;
  const met = rate >= GOAL && summary.created === ROWS;
  console.log(
    `${met ? '✓' : '✗'} ${database}${GRANTS === ',' ? ' (no roles or groups)' : ' (a role and a group per row)'}: ${summary.total.toLocaleString('en-GB')} rows in ${seconds.toFixed(2)} s = ` +
      `${Math.round(rate).toLocaleString('en-GB')} rows/s (created ${summary.created}, skipped ${summary.skipped}, failed ${summary.failed}; goal ≥ ${GOAL.toLocaleString('en-GB')} rows/s)`,
  );
  return met;
}

async function onPglite(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'foyer-bench-import-'));
  const handle = await openEmbedded(dir);
  try {
    return report('PGlite', await measure(handle, dir));
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(url: string): Promise<boolean> {
  const name = `foyer_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const handle = openPostgres(target.toString());
  try {
    return report('PostgreSQL', await measure(handle, '/nonexistent'));
  } finally {
    await handle.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const results = [await onPglite()];
const postgresUrl = process.env.BENCH_DATABASE_URL;
if (postgresUrl) results.push(await onPostgres(postgresUrl));
else console.log('· PostgreSQL: skipped (set BENCH_DATABASE_URL=postgres://… to measure it too)');
process.exitCode = results.every(Boolean) ? 0 : 1;
