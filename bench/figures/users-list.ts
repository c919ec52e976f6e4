import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { openPostgres } from '../../src/platform/db.js';
import { encodeCursor } from '../../src/platform/paging.js';
import { signInAdmin, startFoyer } from '../lib/foyer.js';
import { load } from '../lib/load.js';
import { SECONDS, USER_LIST_SIZES } from '../lib/options.js';
import type { Cluster } from '../lib/postgres.js';
import { repoRoot } from '../lib/processes.js';
import { failuresOf, fmt, record } from '../lib/report.js';

const GOAL_P99_MS = 50;
/** An administrator browses alone: the figure is the latency of one page, not the throughput of many. */
const CONNECTIONS = 1;

const FIRST_NAMES = [
  'Ada', 'Alan', 'Barbara', 'Brian', 'Claude', 'Dennis', 'Donald', 'Edsger', 'Frances', 'Grace', 'Hedy', 'Ivan',
  'John', 'Katherine', 'Ken', 'Leslie', 'Linus', 'Margaret', 'Niklaus', 'Radia', 'Richard', 'Sophie', 'Tim', 'Vint',
  'Whitfield', 'Yukihiro', 'Bjarne', 'Guido', 'James', 'Larry', 'Anders', 'Rasmus',
];
const LAST_NAMES = [
  'Lovelace', 'Turing', 'Liskov', 'Kernighan', 'Shannon', 'Ritchie', 'Knuth', 'Dijkstra', 'Allen', 'Hopper',
  'Lamarr', 'Sutherland', 'McCarthy', 'Johnson', 'Thompson', 'Lamport', 'Torvalds', 'Hamilton', 'Wirth', 'Perlman',
  'Stallman', 'Wilson', 'Berners-Lee', 'Cerf', 'Diffie', 'Matsumoto', 'Stroustrup', 'van Rossum', 'Gosling', 'Wall',
  'Hejlsberg', 'Lerdorf', 'Backus', 'Hoare', 'Milner', 'Naur', 'Floyd', 'Codd', 'Gray', 'Stonebraker', 'Bachman',
  'Engelbart', 'Kay', 'Goldberg', 'Ingalls', 'Moore', 'Pike', 'Cox', 'Griesemer', 'Lattner',
];
/** Matches one person in every FIRST_NAMES × LAST_NAMES users, as when an administrator looks someone up by name. */
const SEARCH = 'grace hopper';

/**
 * One user in 20 is disabled and one in 10 holds the Viewer role besides Member: the status and role filters select
 * those. Seven in 10 have signed in at some point. Handles end in the person's number, so the last digit picks the
 * Viewers.
 */
const SEED_USERS = `
  with seeded as (
    insert into users (id, name, email, username, status, profile, password_hash, email_verified_at, created_at, updated_at, last_login_at)
    select gen_random_uuid(), f.name, f.handle || '@example.com', f.handle,
           case when i % 20 = 0 then 'disabled' else 'active' end, 'member',
           '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0$YmVuY2hoYXNo', f.created, f.created, f.created,
           case when i % 10 < 7 then f.created + (i % 1000) * interval '1 hour' end
    from generate_series($1::int + 1, $2::int) as i,
         lateral (
           select ($3::text[])[1 + i % cardinality($3::text[])] || ' ' ||
                  ($4::text[])[1 + (i / cardinality($3::text[])) % cardinality($4::text[])] as name,
                  'person.' || i as handle,
                  timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute' as created
         ) as f
    returning id, username
  )
  insert into user_roles (user_id, role_id)
  select id, $5::uuid from seeded
  union all
  select id, $6::uuid from seeded where right(username, 1) = '5'`;

interface Listing {
  label: string;
  params: Record<string, string>;
}

/**
 * Brings `users` from `from` to `to` seeded people, with their roles, in one set-based statement. The secondary
 * indexes of both tables are dropped first and rebuilt afterwards from their own definitions, which is much faster
 * than maintaining a trigram index row by row.
 */
async function seed(client: pg.Client, from: number, to: number, roleIds: { member: string; viewer: string }): Promise<string> {
  const started = performance.now();
  const lap = () => ((performance.now() - started) / 1000).toFixed(1);
  await client.query('begin');
  await client.query("set local maintenance_work_mem = '512MB'");
  // Seeding only: the rows are consistent by construction, so the foreign-key triggers need not check each one.
  await client.query("set local session_replication_role = 'replica'");
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select i.indexname as name, i.indexdef as definition from pg_indexes i
     where i.schemaname = 'public' and i.tablename in ('users', 'user_roles')
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  // A definition does not carry the statistics targets Foyer's migrations give index columns, and the search plan
  // depends on the one of users_search_trgm_idx: they are put back after the rebuild, or this would measure another
  // Foyer.
  const { rows: targets } = await client.query<{ name: string; column: number; target: number }>(
    `select c.relname as name, a.attnum as column, a.attstattarget as target
     from pg_index x join pg_class c on c.oid = x.indexrelid join pg_attribute a on a.attrelid = c.oid
     where x.indrelid in ('users'::regclass, 'user_roles'::regclass) and a.attstattarget > 0`,
  );
  for (const index of indexes) await client.query(`drop index "${index.name}"`);
  await client.query(SEED_USERS, [from, to, FIRST_NAMES, LAST_NAMES, roleIds.member, roleIds.viewer]);
  const inserted = lap();
  for (const index of indexes) await client.query(index.definition);
  for (const t of targets) await client.query(`alter index "${t.name}" alter column ${t.column} set statistics ${t.target}`);
  await client.query('commit');
  const indexed = lap();
  await client.query('analyze users, user_roles');
  return `${lap()} s (rows in ${inserted} s, ${indexes.length} indexes rebuilt by ${indexed} s, then analyze)`;
}

const PLANS_FILE = join(repoRoot, 'bench/results/users-list-plans.txt');

/** Connection options that make PostgreSQL log the plan, with actual times, of every statement of the session. */
const EXPLAINED = '-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on';

/**
 * How many SQL statements one page costs, counted by a Foyer in this process that observes every statement. Its
 * connections also have PostgreSQL log each statement's plan; those land in PLANS_FILE, for when a page is slow.
 */
async function queriesPerPage(cluster: Cluster, databaseUrl: string, size: string, listings: Listing[]): Promise<Map<string, number>> {
  let statements = 0;
  const explained = new URL(databaseUrl);
  explained.searchParams.set('options', EXPLAINED);
  const handle = openPostgres(explained.toString(), { onQuery: () => (statements += 1) });
  const dataDir = mkdtempSync(join(tmpdir(), 'foyer-bench-count-'));
  const config = loadConfig({ DATABASE_URL: databaseUrl, FOYER_DATA_DIR: dataDir, FOYER_LOG_LEVEL: 'warn', PORT: '0' });
  const app = await buildApp({ db: handle.db, config });
  try {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin: config.publicUrl.origin },
      payload: { identifier: 'bench-admin@example.com', password: 'correct horse battery' },
    });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const counts = new Map<string, number>();
    for (const listing of listings) {
      statements = 0;
      const logStart = statSync(cluster.logFile).size;
      const res = await app.inject({ url: `/api/v1/admin/users?${new URLSearchParams(listing.params)}`, headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`${listing.label}: ${res.statusCode} ${res.body}`);
      counts.set(listing.label, statements);
      const plans = readFileSync(cluster.logFile).subarray(logStart).toString('utf8');
      appendFileSync(PLANS_FILE, `\n===== ${size} users: ${listing.label} (${statements} statements) =====\n${plans}`);
    }
    return counts;
  } finally {
    await app.close();
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Figure 5: the admin users list at each of USER_LIST_SIZES seeded users — the first page, a page in the middle
 * reached by cursor, a search by name, and the status and role filters — p50/p99 latency and statements per page.
 */
export async function measureUsersList(cluster: Cluster): Promise<void> {
  const databaseUrl = await cluster.createDatabase('foyer_bench_users');
  mkdirSync(dirname(PLANS_FILE), { recursive: true });
  writeFileSync(PLANS_FILE, 'Plans of every statement of one request per listing, as PostgreSQL ran them (auto_explain, analyze, buffers).\n');
  const foyer = await startFoyer('users-list', databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const cookie = await signInAdmin(foyer);
    const { rows } = await client.query<{ key: string; id: string }>(`select builtin_key as key, id from roles where builtin_key in ('member', 'viewer')`);
    const roleIds = Object.fromEntries(rows.map((r) => [r.key, r.id])) as { member: string; viewer: string };
    let seeded = 0;
    for (const size of USER_LIST_SIZES) {
      const seedTime = await seed(client, seeded, size, roleIds);
      seeded = size;
      const label = size >= 1_000_000 ? `${fmt(size / 1_000_000)}M` : `${fmt(size / 1_000)}k`;
      record({ figure: `5. Seed users up to ${label} (set-based SQL)`, foyer: seedTime, reference: '—', ratio: '—', goal: 'reported', met: null });

      const middle = await client.query<{ key: string; id: string }>(
        'select created_at::text as key, id from users where deleted_at is null order by created_at, id offset $1 limit 1',
        [Math.floor(size / 2)],
      );
      const listings: Listing[] = [
        { label: 'first page', params: {} },
        { label: 'middle page by cursor', params: { cursor: encodeCursor(['createdAt', 'asc', middle.rows[0]!.key, middle.rows[0]!.id]) } },
        { label: `search "${SEARCH}"`, params: { q: SEARCH } },
        { label: 'status=disabled', params: { status: 'disabled' } },
        { label: 'role=Viewer', params: { role: roleIds.viewer } },
      ];
      const counts = await queriesPerPage(cluster, databaseUrl, label, listings);
      for (const listing of listings) {
        const url = `${foyer.url}/api/v1/admin/users?${new URLSearchParams(listing.params)}`;
        const first = await fetch(url, { headers: { cookie } });
        const items = first.ok ? ((await first.json()) as { items: unknown[] }).items.length : 0;
        if (!first.ok || items === 0) throw new Error(`${listing.label}: ${first.status}, ${items} items`);
        const result = await load({ url, headers: { cookie }, connections: CONNECTIONS, seconds: SECONDS });
        const failures = failuresOf(result);
        record({
          figure: `5. Users list at ${label}: ${listing.label}`,
          foyer: `p50 ${result.p50} ms, p99 ${result.p99} ms, ${counts.get(listing.label)} queries, ${items} rows${failures}`,
          reference: '—',
          ratio: '—',
          goal: `p99 < ${GOAL_P99_MS} ms`,
          met: result.p99 < GOAL_P99_MS && !failures,
        });
      }
    }
  } finally {
    await client.end();
    await foyer.stop();
  }
}
