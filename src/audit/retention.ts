import { inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { registerRetention, retentionCutoff } from '../platform/retention.js';
import { auditEvents } from './schema.js';

/** Audit events deleted per statement, so pruning a long history never holds one huge delete open. */
const AUDIT_BATCH = 5_000;

/**
 * The audit log is append-only (a trigger refuses every change); this transaction alone tells the trigger, through a
 * setting local to it, that it deletes by retention.
 */
async function pruneAudit(db: Database, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('foyer.audit_retention', 'prune', true)`);
      const rows = await tx
        .delete(auditEvents)
        .where(
          inArray(
            auditEvents.id,
            tx.select({ id: auditEvents.id }).from(auditEvents).where(lt(auditEvents.occurredAt, cutoff)).limit(AUDIT_BATCH),
          ),
        )
        .returning({ id: auditEvents.id });
      return rows.length;
    });
    total += deleted;
    if (deleted < AUDIT_BATCH) return total;
  }
}

// Audit events go only when an operator sets `auditDays`; by default the log is kept forever.
registerRetention({
  name: 'audit',
  prune: (db, retention, now) => (retention.auditDays === null ? Promise.resolve(0) : pruneAudit(db, retentionCutoff(now, retention.auditDays))),
});
