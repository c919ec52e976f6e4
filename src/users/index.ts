/** What other features may use of users; everything else in src/users/ is its own business. */
export { newUserFields } from './fields.js';
export { recentAuditEvents, userAuditEventSchema } from './detail.js';
export { adminUserDetailSchema, loadAdminUser } from './views.js';
export { countDisabledAccounts } from './counts.js';
