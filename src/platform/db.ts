import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql, type Logger as DrizzleLogger, type SQLWrapper } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migrationsFolder } from './paths.js';

/**
 * One type for both drivers. A transaction is also a `Database`, so every rule takes `db` and works the same
 * inside or outside a caller's transaction.
 */
export type Database = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Observes every statement; tests use it to count queries. */
  onQuery?: (sql: string) => void;
  /** An idle pooled connection broke (server restart, failover). The pool replaces it on the next query. */
  onConnectionError?: (error: Error) => void;
}

const loggerFor = (options: OpenOptions): DrizzleLogger | undefined =>
  options.onQuery ? { logQuery: (query) => options.onQuery!(query) } : undefined;

// Any fixed number works; it only has to be the same for every Foyer instance sharing a database.
const MIGRATION_LOCK_ID = 7_246_001;

export function openPostgres(url: string, options: OpenOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Without a listener, one dropped idle connection would crash the whole process.
  pool.on('error', (error) => options.onConnectionError?.(error));
  const db = drizzlePg(pool, { logger: loggerFor(options) }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // Several instances may start at once: the advisory lock lets exactly one apply migrations.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        await migratePg(drizzlePg(client), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

export function wrapPglite(client: PGlite, options: OpenOptions = {}): DatabaseHandle {
  const db = drizzlePglite(client, { logger: loggerFor(options) }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    close: () => client.close(),
  };
}

/** Every PGlite Foyer creates: the extensions the migrations use must be compiled in at construction. */
export const createPglite = (options: Omit<PGliteOptions, 'extensions'> = {}) =>
  PGlite.create({ ...options, extensions: { pg_trgm } });

/** The embedded database behind a handle's `db`, or null on PostgreSQL (backups and tracing treat it apart). */
export function embeddedClient(db: Database): PGlite | null {
  const client = (db as { $client?: unknown }).$client;
  return client instanceof PGlite ? client : null;
}

/** Where the embedded database keeps its files inside FOYER_DATA_DIR (beside secret.key). */
export const embeddedDataDir = (dataDir: string) => join(dataDir, 'pgdata');

/** PGlite is single-process: the embedded database serves exactly one Foyer instance. */
export async function openEmbedded(dataDir: string, options: OpenOptions = {}): Promise<DatabaseHandle> {
  const dir = embeddedDataDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const client = await createPglite({ dataDir: dir });
  return wrapPglite(client, options);
}

export async function openDatabase(
  config: { databaseUrl: string | undefined; dataDir: string },
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  return config.databaseUrl ? openPostgres(config.databaseUrl, options) : openEmbedded(config.dataDir, options);
}

/**
 * A hot query PostgreSQL parses and plans once per connection instead of on every call. Planning the permission
 * subqueries costs several times their execution (bench/ figure 3), and a statement name makes node-postgres send
 * Parse once per pooled connection and only Bind/Execute after that. The query is built once per database handle;
 * `name` must be unique across Foyer, since PostgreSQL keys prepared statements by name on each connection.
 * Behind PgBouncer, transaction pooling needs version 1.21 or later (`max_prepared_statements`).
 */
export function preparedQuery<Q>(name: string, build: (db: Database, name: string) => Q): (db: Database) => Q {
  const built = new WeakMap<Database, Q>();
  return (db) => {
    let query = built.get(db);
    if (!query) {
      query = build(db, name);
      built.set(db, query);
    }
    return query;
  };
}

/** Turns one element of a packed row back into its field. */
export type Unpack<T> = (value: unknown) => T;
export const asIs = <T>(): Unpack<T> => (value) => value as T;
/** PostgreSQL writes a timestamp into JSON in ISO 8601, which `Date` reads. */
export const asDate: Unpack<Date> = (value) => new Date(value as string);
export const asDateOrNull: Unpack<Date | null> = (value) => (value === null ? null : new Date(value as string));

/**
 * Many fields read as one column, a JSON array, and turned back into an object. node-postgres pays for every column
 * of every result, as each execution describes its row again: the session check's seventeen columns cost twice the
 * client CPU of the same values in one array (bench/ figure 3). Only for the hottest statements; everything else
 * selects its columns as usual.
 */
export function packedRow<T extends Record<string, unknown>>(fields: { [K in keyof T]: readonly [SQLWrapper, Unpack<T[K]>] }) {
  const entries = Object.entries(fields) as [keyof T, readonly [SQLWrapper, Unpack<unknown>]][];
  return {
    column: sql<unknown[]>`json_build_array(${sql.join(
      entries.map(([, [value]]) => value),
      sql`, `,
    )})`,
    unpack(values: unknown[]): T {
      const row: Partial<T> = {};
      for (let i = 0; i < entries.length; i += 1) {
        const [key, [, unpack]] = entries[i]!;
        row[key] = unpack(values[i]) as T[keyof T];
      }
      return row as T;
    },
  };
}

/** node-postgres and PGlite both report SQLSTATE in `code`; drizzle wraps it in `cause`. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  let current: unknown = error;
  while (current && typeof current === 'object') {
    const e = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (e.code === '23505') return constraint === undefined || e.constraint === constraint;
    current = e.cause;
  }
  return false;
}
