/** What other features may use of audit; everything else in src/audit/ is its own business. */
export { type AuditContext, type AuditEntry } from '../accounts/index.js';
export { auditEventsFrom, auditObserver, recordAudit, systemContext } from './record.js';
export { auditEvents, type AuditEventRow } from './schema.js';
// Old events are forgotten by retention (platform/retention.ts), when an operator sets one, once audit is loaded.
import './retention.js';
