import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type SQL } from 'drizzle-orm';
import { registerAuditTrail, type AuditContext, type AuditEntry } from '../accounts/index.js';
import type { Database } from '../platform/db.js';
import { auditEvents } from './schema.js';

export const systemContext = (now = new Date()): AuditContext => ({
  actorType: 'system',
  actorId: null,
  ip: null,
  userAgent: null,
  now,
});

/**
 * Sees each event the request in progress records (src/metrics counts sign-ins and sign-ups from them, so the
 * figures and the audit log tell the same story). Empty outside requests and when metrics are off.
 */
export const auditObserver = new AsyncLocalStorage<(entry: AuditEntry) => void>();

/** Pass the transaction that makes the change: the event exists exactly when the change committed. */
export async function recordAudit(db: Database, context: AuditContext, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    occurredAt: context.now,
    actorType: context.actorType,
    actorId: context.actorId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ip: context.ip,
    userAgent: context.userAgent,
    details: entry.details ?? {},
  });
  auditObserver.getStore()?.(entry);
}

/**
 * recordAudit for many targets inside one statement (the CSV import's batch): an INSERT over `events`, a query that
 * yields `target_id text` and `details jsonb`, one event each, all with the same actor, action and time.
 */
export function auditEventsFrom(context: AuditContext, entry: Pick<AuditEntry, 'action' | 'targetType'>, events: SQL): SQL {
  return sql`insert into ${auditEvents} (occurred_at, actor_type, actor_id, action, target_type, target_id, ip, user_agent, details)
    select ${context.now.toISOString()}::timestamptz, ${context.actorType}, ${context.actorId}, ${entry.action}, ${entry.targetType ?? null},
      target_id, ${context.ip}, ${context.userAgent}, details
    from (${events}) as events`;
}

registerAuditTrail(recordAudit);
