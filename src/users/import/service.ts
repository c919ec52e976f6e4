import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { accountBatchCtes, membershipChanged, users, type Actor } from '../../accounts/index.js';
import { auditEventsFrom, recordAudit, type AuditContext } from '../../audit/index.js';
import type { Config } from '../../platform/config.js';
import { isUniqueViolation, type Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import type { CsvRow } from './csv.js';
import { inviteBatch } from './invite.js';
import { checkRow, grantFor, resolveNames, type Candidate, type Grant, type NameCache, type RowResult, type SeenInFile } from './rows.js';

export interface ImportSummary {
  created: number;
  skipped: number;
  failed: number;
  total: number;
}

export type ImportEvent =
  | { type: 'rows'; results: RowResult[] }
  | { type: 'summary'; dryRun: boolean; summary: ImportSummary; error?: { code: string; message: string; details?: Record<string, unknown> } };

export interface ImportOptions {
  dryRun: boolean;
  config: Config;
  /** Each new person is invited (account, invitation, queued mail) instead of only being created. */
  invite?: boolean;
  batchSize?: number;
}

// Large enough that per-statement costs vanish, small enough that each batch's single statement stays short.
const DEFAULT_BATCH_SIZE = 1000;
// A deadlock with a concurrent import, or a role deleted mid-batch: the whole batch is simply worked out again.
const BATCH_ATTEMPTS = 3;
const BATCHES_IN_FLIGHT = 2;

interface ImportState {
  cache: NameCache;
  /**
   * True until a row of this import meets an existing account. Until then batches skip asking which of their people
   * already exist: on embedded PGlite that question and ON CONFLICT's speculative insertion cost about a quarter of
   * each batch (bench/ figure 6), and a file of new people, the usual case, never needs them. A file that does meet
   * existing accounts pays for one failed statement, then every later batch is worked out the careful way.
   */
  everyoneNew: boolean;
}

/** node-postgres and PGlite both answer `execute` with `{ rows }`. */
const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/**
 * Of a batch's emails and usernames, those that already belong to an account (lower-cased). One query: each key is
 * looked up on its unique index through a LATERAL probe, so the cost follows the batch, not the table, whatever the
 * planner's statistics say (PGlite never analyses, and a table that grows during the import outruns them anyway).
 */
async function takenIdentities(db: Database, batch: Candidate[]): Promise<{ emails: Set<string>; usernames: Set<string> }> {
  const taken = { emails: new Set<string>(), usernames: new Set<string>() };
  if (batch.length === 0) return taken;
  const emails = JSON.stringify(batch.map((c) => c.email.toLowerCase()));
  const usernames = JSON.stringify(batch.map((c) => c.username.toLowerCase()));
  const rows = rowsOf<{ kind: 'email' | 'username'; key: string }>(
    await db.execute(sql`
      select 'email' as kind, k.key from jsonb_array_elements_text(${emails}::jsonb) as k(key)
        cross join lateral (select 1 from ${users} u where lower(u.email) = k.key limit 1) as hit
      union all
      select 'username' as kind, k.key from jsonb_array_elements_text(${usernames}::jsonb) as k(key)
        cross join lateral (select 1 from ${users} u where lower(u.username) = k.key limit 1) as hit`),
  );
  for (const r of rows) (r.kind === 'email' ? taken.emails : taken.usernames).add(r.key);
  return taken;
}

function skippedIfTaken(c: Candidate, taken: { emails: Set<string>; usernames: Set<string> }): RowResult | null {
  if (taken.emails.has(c.email.toLowerCase())) {
    return { row: c.row, outcome: 'skipped', email: c.email, code: 'email_taken', reason: 'An account with this email already exists.' };
  }
  if (taken.usernames.has(c.username.toLowerCase())) {
    return { row: c.row, outcome: 'skipped', email: c.email, code: 'username_taken', reason: 'This username is already taken.' };
  }
  return null;
}

interface Ready extends Candidate, Grant {
  id: string;
}

/**
 * Inserts one batch as one statement: users, their roles and groups (written by accounts' `accountBatchCtes`), and
 * one `user.created` event each (audit's `auditEventsFrom`), so each table's SQL stays with its owner. A statement
 * is atomic, so after a crash every row is either wholly there or not at all, and it costs one round trip. Rows
 * travel as one JSON parameter, which keeps the statement's size independent of the batch and far below the
 * driver's parameter limit. The unique indexes on lower(email) and lower(username) settle races with concurrent
 * imports: with `conflicts: 'skip'` a row that lost one is left out by ON CONFLICT DO NOTHING, and with it its
 * roles, groups and event. With `'fail'` (a batch expected to be all new) there is no ON CONFLICT, so the unique
 * indexes are probed once, by the insert itself, and anyone existing fails the whole statement with a unique
 * violation that leaves nothing behind. Returns the ids of the rows actually inserted.
 */
async function insertBatch(
  db: Database,
  context: AuditContext,
  config: Config,
  ready: Ready[],
  conflicts: 'skip' | 'fail',
): Promise<Set<string>> {
  const input = JSON.stringify(
    ready.map((r) => ({ id: r.id, name: r.name, email: r.email, username: r.username, role_ids: r.roleIds, group_ids: r.groupIds })),
  );
  // The event createUser records, for every created row at once.
  const recorded = auditEventsFrom(
    context,
    { action: 'user.created', targetType: 'user' },
    sql`select id::text as target_id, jsonb_build_object('email', email, 'username', username, 'roleIds', to_jsonb(role_ids),
          'groupIds', to_jsonb(group_ids), 'withPassword', false, 'via', 'csv_import') as details
        from done`,
  );
  const inserted = rowsOf<{ id: string }>(
    await db.execute(sql`
      with input as (
        select * from jsonb_to_recordset(${input}::jsonb)
          as r(id uuid, name text, email text, username text, role_ids uuid[], group_ids uuid[])
      ),
      ${accountBatchCtes(context.now, conflicts)},
      recorded as (${recorded})
      select id from created`),
  );
  const created = new Set(inserted.map((r) => r.id));
  // A batch is one statement, not a transaction (batches overlap on one connection), so the listeners hear of the
  // new memberships right after it rather than inside it.
  const joined = ready.filter((r) => r.groupIds.length > 0 && created.has(r.id)).map((r) => r.id);
  await membershipChanged(db, { userIds: joined, now: context.now, config });
  return created;
}

function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  while (current && typeof current === 'object') {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// Deadlock or serialization failure (two imports inserting the same people in a different order), or a foreign key
// violation (a role or group deleted while this batch was being worked out).
const RETRYABLE_STATES = new Set(['40P01', '40001', '23503']);

async function settleBatch(
  db: Database,
  context: AuditContext,
  actor: Actor,
  state: ImportState,
  checked: (Candidate | RowResult)[],
  options: ImportOptions,
): Promise<RowResult[]> {
  const { dryRun } = options;
  const candidates = checked.filter((c): c is Candidate => !('outcome' in c));
  const names = await resolveNames(db, state.cache, candidates);
  const results = new Map<number, RowResult>();
  const grantable: (Candidate & Grant)[] = [];
  for (const c of candidates) {
    const grant = grantFor(actor, names, c);
    if ('outcome' in grant) results.set(c.row, grant);
    else grantable.push({ ...c, ...grant });
  }
  if (!dryRun && !options.invite && state.everyoneNew && grantable.length > 0) {
    const ready = grantable.map((c) => ({ ...c, id: randomUUID() }));
    try {
      await insertBatch(db, context, options.config, ready, 'fail');
      for (const r of ready) results.set(r.row, { row: r.row, outcome: 'created', email: r.email, userId: r.id });
      return checked.map((c) => ('outcome' in c ? c : results.get(c.row)!));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Someone in this batch already has an account, so later batches of the file likely do too.
      state.everyoneNew = false;
    }
  }
  const taken = await takenIdentities(db, grantable);
  const ready: Ready[] = [];
  for (const c of grantable) {
    const skipped = skippedIfTaken(c, taken);
    if (skipped) results.set(c.row, skipped);
    else ready.push({ ...c, id: randomUUID() });
  }
  if (dryRun) {
    for (const r of ready) results.set(r.row, { row: r.row, outcome: 'created', email: r.email });
  } else if (options.invite) {
    for (const r of await inviteBatch(db, context, actor, options.config, ready)) results.set(r.row, r);
  } else if (ready.length > 0) {
    const created = await insertBatch(db, context, options.config, ready, 'skip');
    const lost = ready.filter((r) => !created.has(r.id));
    // Someone else created these people after our check; find out which of the two identities clashed.
    const takenNow = lost.length > 0 ? await takenIdentities(db, lost) : null;
    for (const r of ready) {
      results.set(
        r.row,
        created.has(r.id)
          ? { row: r.row, outcome: 'created', email: r.email, userId: r.id }
          : (skippedIfTaken(r, takenNow!) ?? {
              row: r.row,
              outcome: 'skipped',
              email: r.email,
              code: 'email_taken',
              reason: 'An account with this email or username was created while the import ran.',
            }),
      );
    }
  }
  return checked.map((c) => ('outcome' in c ? c : results.get(c.row)!));
}

/**
 * Imports people from CSV rows, batch by batch, yielding each batch's per-row results as soon as it is settled and
 * finally a summary. Each row ends `created` (Pending Setup: no password, email unvalidated, profile member, with
 * the named roles and groups), `skipped` (its email or username already has an account) or `failed` (with the
 * reason). With `invite`, each created person is also sent an invitation email (see ./invite.ts). A dry run works
 * everything out the same way and writes nothing.
 *
 * Rows the file could not deliver (malformed CSV, a cut-off upload) end the import early: what came before is
 * settled, and the summary carries the error. Re-running the same file is safe: people already created are skipped.
 */
export async function* importUsers(
  db: Database,
  context: AuditContext,
  actor: Actor,
  rows: AsyncIterable<CsvRow>,
  options: ImportOptions,
): AsyncGenerator<ImportEvent> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const seen: SeenInFile = { emails: new Map(), usernames: new Map() };
  const state: ImportState = { cache: { roles: new Map(), groups: new Map() }, everyoneNew: true };
  const summary: ImportSummary = { created: 0, skipped: 0, failed: 0, total: 0 };
  let stoppedBy: FoyerError | undefined;

  const iterator = rows[Symbol.asyncIterator]();
  const nextRow = async (): Promise<CsvRow | null> => {
    if (stoppedBy) return null;
    try {
      const next = await iterator.next();
      return next.done ? null : next.value;
    } catch (error) {
      if (!(error instanceof FoyerError)) throw error;
      stoppedBy = error;
      return null;
    }
  };

  const settle = async (checked: (Candidate | RowResult)[]) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await settleBatch(db, context, actor, state, checked, options);
      } catch (error) {
        if (attempt >= BATCH_ATTEMPTS || !RETRYABLE_STATES.has(sqlState(error) ?? '')) throw error;
        state.cache.roles.clear();
        state.cache.groups.clear();
      }
    }
  };

  // The next batch is read and checked, and starts on its queries, while the previous one is still being written:
  // parsing and the database then work at the same time. Results still come out in file order.
  const inFlight: Promise<RowResult[]>[] = [];
  for (;;) {
    const checked: (Candidate | RowResult)[] = [];
    while (checked.length < batchSize) {
      const row = await nextRow();
      if (!row) break;
      checked.push(checkRow(row, seen));
    }
    if (checked.length > 0) {
      const settling = settle(checked);
      // Awaited below in order; until then a failure must not count as unhandled.
      settling.catch(() => undefined);
      inFlight.push(settling);
    }
    if (inFlight.length === 0) break;
    if (inFlight.length < BATCHES_IN_FLIGHT && checked.length > 0) continue;
    const results = await inFlight.shift()!;
    for (const r of results) summary[r.outcome] += 1;
    summary.total += results.length;
    yield { type: 'rows', results };
  }

  const error = stoppedBy ? { code: stoppedBy.code, message: stoppedBy.message, ...(stoppedBy.details ? { details: stoppedBy.details } : {}) } : undefined;
  if (!options.dryRun) {
    await recordAudit(db, context, {
      action: 'users.imported',
      details: { ...summary, ...(error ? { stoppedBy: error.code } : {}) },
    });
  }
  yield { type: 'summary', dryRun: options.dryRun, summary, ...(error ? { error } : {}) };
}
