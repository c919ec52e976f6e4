import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './load.js';
import { QUICK, SECONDS } from './options.js';
import { repoRoot } from './processes.js';

export interface Row {
  /** Starts with the figure's number in the benchmark issue, which orders the table. */
  figure: string;
  foyer: string;
  reference: string;
  ratio: string;
  goal: string;
  /** null when the figure has no goal, or was not measured. */
  met: boolean | null;
}

const rows: Row[] = [];

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** What went wrong in a load run, if anything: refusals by status and connection errors. */
export function failuresOf(r: LoadResult): string {
  const parts = [...Object.entries(r.refusals).map(([status, n]) => `${n} × ${status}`), ...(r.errors ? [`${r.errors} errors`] : [])];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export const describe = (r: LoadResult) => `${fmt(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms${failuresOf(r)}`;

/** `a / b` for the table, or no ratio at all when the reference measured nothing. */
export const ratioOf = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
export const fmtRatio = (ratio: number) => (Number.isNaN(ratio) ? '—' : fmt(ratio, 2));

export function record(row: Row): void {
  rows.push(row);
  console.log(`${row.met === null ? '·' : row.met ? '✓' : '✗'} ${row.figure}: ${row.foyer} | ref ${row.reference} | ${row.ratio} (goal ${row.goal})`);
}

/** A figure this build cannot measure yet: it still gets its row, saying why. */
export function notMeasured(figure: string, reason: string): void {
  record({ figure, foyer: `not yet available: ${reason}`, reference: '—', ratio: '—', goal: '—', met: null });
}

function machineFacts(postgresVersion: string): string {
  const cpu = cpus();
  return [
    `CPU: ${cpu[0]?.model.trim() ?? 'unknown'}, ${cpu.length} cores`,
    `RAM: ${fmt(totalmem() / 2 ** 30, 1)} GiB`,
    `Node ${process.version}`,
    `PostgreSQL ${postgresVersion}`,
    `date ${new Date().toISOString()}`,
  ].join(' · ');
}

const figureNumber = (row: Row) => Number(/^\d+/.exec(row.figure)?.[0] ?? 99);

/** Prints the table and writes it, with the machine it was measured on, to bench/results/latest.md. */
export function writeReport(postgresVersion: string): void {
  const table = [
    '| figure | Foyer | reference (same run) | ratio | goal | met |',
    '|---|---|---|---|---|---|',
    ...[...rows]
      .sort((a, b) => figureNumber(a) - figureNumber(b))
      .map((r) => `| ${r.figure} | ${r.foyer} | ${r.reference} | ${r.ratio} | ${r.goal} | ${r.met === null ? '—' : r.met ? 'yes' : 'no'} |`),
  ].join('\n');
  const caveat = QUICK ? '\n\n**BENCH_QUICK run: sizes and durations were shrunk to check the harness; these numbers mean nothing.**' : '';
  const report =
    `# Foyer benchmark\n\n${machineFacts(postgresVersion)}\n\nLoad runs: ${SECONDS} s each, autocannon on loopback, Foyer on PostgreSQL ` +
    `(throwaway cluster, fsync off) unless a row says PGlite.${caveat}\n\n${table}\n`;
  mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
  writeFileSync(join(repoRoot, 'bench/results/latest.md'), report);
  console.log(`\n${report}`);
}
