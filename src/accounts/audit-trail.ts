import type { Database } from '../platform/db.js';

/** Who did something, and from where. Routes build one per request; jobs and the CLI use `systemContext`. */
export interface AuditContext {
  actorType: 'user' | 'api_token' | 'system' | 'anonymous';
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  now: Date;
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export type AuditRecorder = (db: Database, context: AuditContext, entry: AuditEntry) => Promise<void>;

let recorder: AuditRecorder | undefined;

/**
 * How the audit trail (src/audit) plugs in, when its module loads: accounts records the changes it makes (roles,
 * groups) through it, in the caller's transaction, without depending on the feature that keeps the trail.
 */
export function registerAuditTrail(record: AuditRecorder): void {
  recorder = record;
}

/** Records a change accounts made; refuses to change anything unaudited when no audit trail is registered. */
export async function recordAccountChange(db: Database, context: AuditContext, entry: AuditEntry): Promise<void> {
  if (!recorder) throw new Error('accounts: no audit trail is registered (src/audit registers it when it loads)');
  await recorder(db, context, entry);
}
