import { Readable } from 'node:stream';
import { jsonHeaders, signInAdmin, startFoyer, type Foyer } from '../lib/foyer.js';
import { CSV_ROWS } from '../lib/options.js';
import type { Cluster } from '../lib/postgres.js';
import { fmt, record } from '../lib/report.js';

const GOAL_ROWS_PER_SECOND = 10_000;
const ROWS_PER_CHUNK = 500;

/**
 * Every row names a role and a group, so the import writes users, user_roles, group_members and audit events.
 * Generated as the upload streams, so the file never sits in memory.
 */
function* csvChunks(rows: number): Generator<string> {
  yield 'name,email,username,roles,groups\n';
  for (let start = 0; start < rows; start += ROWS_PER_CHUNK) {
    let chunk = '';
    for (let i = start; i < Math.min(rows, start + ROWS_PER_CHUNK); i += 1) {
      chunk += `Person ${i},person.${i}@example.com,person.${i},Member,Imported\n`;
    }
    yield chunk;
  }
}

interface Summary {
  created: number;
  skipped: number;
  failed: number;
  total: number;
}

async function importInto(foyer: Foyer): Promise<{ seconds: number; summary: Summary }> {
  const cookie = await signInAdmin(foyer);
  const group = await fetch(`${foyer.url}/api/v1/admin/groups`, { method: 'POST', headers: jsonHeaders(foyer, cookie), body: JSON.stringify({ name: 'Imported' }) });
  if (!group.ok) throw new Error(`creating the group failed: ${group.status} ${await group.text()}`);
  const started = performance.now();
  const response = await fetch(`${foyer.url}/api/v1/admin/users/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', cookie, origin: foyer.origin },
    body: Readable.toWeb(Readable.from(csvChunks(CSV_ROWS))) as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  const body = (await response.json()) as { summary: Summary; error?: unknown };
  const seconds = (performance.now() - started) / 1000;
  if (!response.ok || body.error) throw new Error(`import failed: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  return { seconds, summary: body.summary };
}

/** Figure 6: rows per second of one CSV import of CSV_ROWS new people, on PostgreSQL and on PGlite. */
export async function measureCsvImport(cluster: Cluster): Promise<void> {
  for (const [database, url] of [['PostgreSQL', await cluster.createDatabase('foyer_bench_import')], ['PGlite', undefined]] as const) {
    const foyer = await startFoyer(`csv-import-${database.toLowerCase()}`, url);
    try {
      const { seconds, summary } = await importInto(foyer);
      const rate = summary.total / seconds;
      record({
        figure: `6. CSV import, ${fmt(CSV_ROWS)} rows with a role and a group each (${database})`,
        foyer: `${fmt(rate)} rows/s (${fmt(seconds, 1)} s; created ${fmt(summary.created)}, skipped ${summary.skipped}, failed ${summary.failed})`,
        reference: '—',
        ratio: '—',
        goal: `≥ ${fmt(GOAL_ROWS_PER_SECOND)} rows/s`,
        met: rate >= GOAL_ROWS_PER_SECOND && summary.created === CSV_ROWS,
      });
    } finally {
      await foyer.stop();
    }
  }
}
