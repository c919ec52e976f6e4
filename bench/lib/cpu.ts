import { readdirSync } from 'node:fs';
import type { Cluster } from './postgres.js';
import { cpuSecondsOf, type Running } from './processes.js';
import { fmt } from './report.js';

interface CpuSplit {
  /** Foyer's JavaScript thread: HTTP, validation, the database driver, everything but pool work. */
  foyerMain: number;
  /** Foyer's other threads: argon2 and WebCrypto jobs on the libuv pool, garbage collection helpers. */
  foyerThreads: number;
  /** The benchmark cluster's PostgreSQL: its postmaster and every process it started (backends, writers). */
  postgres: number;
}

/** Where the CPU has gone so far: Foyer (process `pid`) split by thread, and the cluster whose postmaster is `postmasterPid`. */
function cpuSplit(pid: number, postmasterPid: number): CpuSplit {
  const split: CpuSplit = { foyerMain: 0, foyerThreads: 0, postgres: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const { seconds } = cpuSecondsOf(`/proc/${pid}/task/${tid}/stat`);
    if (Number(tid) === pid) split.foyerMain += seconds;
    else split.foyerThreads += seconds;
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const { parentPid, seconds } = cpuSecondsOf(`/proc/${entry}/stat`);
    if (Number(entry) === postmasterPid || parentPid === postmasterPid) split.postgres += seconds;
  }
  return split;
}

/**
 * CPU used by Foyer and its PostgreSQL from `restart()` on, described per operation: "CPU per sign-in: Foyer 3.9 ms
 * + pool threads 15.6 ms, PostgreSQL 2.4 ms". Pass `restart` as a load run's `onMeasure`, so the warm-up is left out.
 */
export function cpuMeter(foyer: Running, cluster: Cluster) {
  const read = () => cpuSplit(foyer.process.pid!, cluster.postmasterPid());
  let before = read();
  return {
    restart: () => {
      before = read();
    },
    describePer(operation: string, operations: number): string {
      const after = read();
      const ms = (key: keyof CpuSplit) => fmt(((after[key] - before[key]) * 1000) / Math.max(1, operations), 2);
      return `CPU per ${operation}: Foyer ${ms('foyerMain')} ms + pool threads ${ms('foyerThreads')} ms, PostgreSQL ${ms('postgres')} ms`;
    },
  };
}
