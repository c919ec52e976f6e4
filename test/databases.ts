import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { createPglite, openPostgres, wrapPglite, type DatabaseHandle, type OpenOptions } from '../src/platform/db.js';
import { withDatabase } from './global-setup.js';

/**
 * One test file's databases. Cloning the run's migrated template costs far more than most tests (loading a 42 MB
 * PGlite dump, or CREATE DATABASE … TEMPLATE), so a file clones once and every later test gets the same database
 * back, reset to what the template held: every table truncated and the template's rows (built-in roles, settings)
 * put back. A test holding two databases at once (two instances of Foyer, say) still gets two: the pool only grows.
 */
interface Clone {
  /** Runs statements outside any handle a test holds: the reset, and dropping the clone at the end. */
  run(statements: string): Promise<void>;
  open(options: OpenOptions): DatabaseHandle;
  dispose(): Promise<void>;
  /** The statements that bring it back to the template's contents, worked out from the template's own rows. */
  reset?: string;
}

const idle: Clone[] = [];
const clones: Clone[] = [];

afterAll(async () => {
  await Promise.all(clones.splice(0).map((c) => c.dispose()));
  idle.length = 0;
});

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The reset statements: truncate every table, then put back each row the template holds, foreign keys unchecked. */
async function resetOf(query: (text: string) => Promise<{ rows: Record<string, unknown>[] }>): Promise<string> {
  const { rows } = await query(`select quote_ident(tablename) as name from pg_tables where schemaname = 'public' order by tablename`);
  const tables = rows.map((r) => String(r.name));
  const restores: string[] = [];
  for (const table of tables) {
    const [{ data }] = (await query(`select coalesce(json_agg(t), '[]')::text as data from ${table} t`)).rows as [{ data: string }];
    if (data !== '[]') {
      restores.push(`insert into ${table} overriding system value select * from json_populate_recordset(null::${table}, ${quoted(data)});`);
    }
  }
  // Sequences go back to where the template left them, so ids continue exactly as in a fresh clone.
  const sequences = await query(`select quote_ident(sequencename) as name, last_value from pg_sequences where schemaname = 'public'`);
  const positions = sequences.rows.map((s) =>
    s.last_value === null ? `alter sequence ${s.name} restart;` : `select setval(${quoted(String(s.name))}, ${s.last_value}, true);`,
  );
  return [
    'set session_replication_role = replica;',
    `truncate ${tables.join(', ')} cascade;`,
    ...restores,
    ...positions,
    'set session_replication_role = origin;',
  ].join('\n');
}

async function clonePglite(template: string): Promise<Clone> {
  const client = await createPglite({ loadDataDir: new Blob([readFileSync(template)]) });
  return {
    run: async (statements) => void (await client.exec(statements)),
    open: (options) => wrapPglite(client, options),
    dispose: () => client.close(),
    reset: await resetOf((text) => client.query(text)),
  };
}

async function clonePostgres(url: string, template: string): Promise<Clone> {
  const name = `foyer_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  const own = new pg.Client({ connectionString: withDatabase(url, name) });
  await own.connect();
  return {
    run: async (statements) => void (await own.query(statements)),
    open: (options) => openPostgres(withDatabase(url, name), options),
    async dispose() {
      await own.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
    reset: await resetOf((text) => own.query(text)),
  };
}

/** A migrated database holding exactly what the run's template holds (see test/global-setup.ts). */
export async function createTestDatabase(options: OpenOptions = {}): Promise<DatabaseHandle> {
  let clone = idle.pop();
  if (clone) {
    await clone.run(clone.reset!);
  } else {
    const template = inject('testDatabaseTemplate');
    const url = process.env.TEST_DATABASE_URL;
    clone = url ? await clonePostgres(url, template) : await clonePglite(template);
    clones.push(clone);
  }
  const handle = clone.open(options);
  const taken = clone;
  let closed = false;
  return {
    ...handle,
    // Closing gives the database back to the file's pool; the connection to it stays open for the next test.
    async close() {
      if (closed) return;
      closed = true;
      if (handle.kind === 'postgres') await handle.close();
      idle.push(taken);
    },
  };
}
