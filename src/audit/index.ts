/** What other features may use of audit; everything else in src/audit/ is its own business. */
export { type AuditContext, recordAudit, systemContext } from './record.js';
