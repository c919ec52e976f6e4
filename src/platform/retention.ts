import { and, inArray, lt, or, sql } from 'drizzle-orm';
import { auditEvents } from '../audit/schema.js';
import { oneTimeTokens } from '../auth/one-time-tokens/schema.js';
import { mailOutbox } from '../mail/schema.js';
import type { Config } from './config.js';
import type { Database } from './db.js';

const DAY_MS = 24 * 60 * 60_000;
/** Audit events deleted per statement, so pruning a long history never holds one huge delete open. */
const AUDIT_BATCH = 5_000;
/** Mail that will not be delivered again; queued and sending messages are never pruned. */
const FINISHED_MAIL = ['sent', 'failed', 'blocked', 'captured'] as const;

const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

export interface Pruned {
  tokens: number;
  mail: number;
  audit: number;
}

/**
 * Housekeeping: forgets what no longer matters once its retention has passed. One-time tokens (links, including the
 * decoys forgot-password issues for unknown addresses) go `tokensDays` after they were used or expired; finished
 * mail `mailDays` after it was queued; audit events only when `auditDays` is set. Each statement is a plain
 * conditional delete, so every instance can run it at any time: two running together delete each row once.
 */
export async function pruneRetained(db: Database, retention: Config['retention'], now: Date): Promise<Pruned> {
  const tokens = await db
    .delete(oneTimeTokens)
    // A used token was used before it expired: either date past the cutoff means it is done with.
    .where(or(lt(oneTimeTokens.expiresAt, before(now, retention.tokensDays)), lt(oneTimeTokens.usedAt, before(now, retention.tokensDays))))
    .returning({ id: oneTimeTokens.id });
  const mail = await db
    .delete(mailOutbox)
    .where(and(inArray(mailOutbox.status, [...FINISHED_MAIL]), lt(mailOutbox.createdAt, before(now, retention.mailDays))))
    .returning({ id: mailOutbox.id });
  const audit = retention.auditDays === null ? 0 : await pruneAudit(db, before(now, retention.auditDays));
  return { tokens: tokens.length, mail: mail.length, audit };
}

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
