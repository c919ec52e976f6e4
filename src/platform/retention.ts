import type { Config } from './config.js';
import type { Database } from './db.js';

const DAY_MS = 24 * 60 * 60_000;

/** The moment `days` before `now`: what a retention of that many days keeps. */
export const retentionCutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/**
 * What a feature forgets once its retention has passed. `prune` answers how many rows it deleted. Each is a plain
 * conditional delete, so every instance can run it at any time: two running together delete each row once.
 */
export interface RetentionJob {
  /** The key of its count in what `pruneRetained` answers ('tokens', 'mail', 'audit'). */
  name: string;
  prune(db: Database, retention: Config['retention'], now: Date): Promise<number>;
}

const jobs = new Map<string, RetentionJob>();

/** How a feature that keeps rows under a retention plugs in, when its module loads. */
export function registerRetention(job: RetentionJob): void {
  jobs.set(job.name, job);
}

/** Housekeeping: runs every registered retention job, one after the other; answers each one's count by name. */
export async function pruneRetained(db: Database, retention: Config['retention'], now: Date): Promise<Record<string, number>> {
  const pruned: Record<string, number> = {};
  for (const job of jobs.values()) pruned[job.name] = await job.prune(db, retention, now);
  return pruned;
}
