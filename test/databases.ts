import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createPglite, openPostgres, wrapPglite, type DatabaseHandle, type OpenOptions } from '../src/platform/db.js';
import { withDatabase } from './global-setup.js';

/**
 * The test databases of one worker. Cloning the run's migrated template costs far more than most tests (loading a
 * 42 MB PGlite dump, or CREATE DATABASE … TEMPLATE), so a worker clones once and every later test, in this file or
 * the next one the worker runs, gets the same database back, reset to what the template held: every table emptied
 * and the template's rows (built-in roles, settings) put back. No two tests that run at the same time share one: each
 * worker has its own, and a test holding two databases at once (two instances of Foyer, say) still gets two, as the
 * pool only grows. Cloning per file instead cost about half of the server suite's time (21 sample files: 109 s, now
 * 53 s). The clones end with the worker; on PostgreSQL, test/global-setup.ts drops them after the run.
 */
interface Clone {
  /** Runs statements outside any handle a test holds: the reset before each test. */
  run(statements: string): Promise<void>;
  open(options: OpenOptions): DatabaseHandle;
  /** The statements that bring it back to the template's contents, worked out from the template's own rows. */
  reset?: string;
}

const idle: Clone[] = [];

const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The reset statements: empty every table, then put back each row the template holds, foreign keys unchecked. */
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
    // DELETE, not TRUNCATE: the tables hold a handful of rows, and TRUNCATE's new files cost 40–75 ms per reset
    // against 1–5 ms (38 tables, measured on both databases), about a minute of a whole run.
    ...tables.map((table) => `delete from ${table};`),
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
    reset: await resetOf((text) => client.query(text)),
  };
}

async function clonePostgres(url: string, template: string): Promise<Clone> {
  const name = `${template}_clone_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name} template ${template}`);
  await admin.end();
  const own = new pg.Client({ connectionString: withDatabase(url, name) });
  await own.connect();
  return {
    run: async (statements) => void (await own.query(statements)),
    open: (options) => openPostgres(withDatabase(url, name), options),
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
  }
  const handle = clone.open(options);
  const taken = clone;
  let closed = false;
  return {
    ...handle,
    // Closing gives the database back to the worker's pool; the connection to it stays open for the next test.
    async close() {
      if (closed) return;
      closed = true;
      if (handle.kind === 'postgres') await handle.close();
      idle.push(taken);
    },
  };
}
