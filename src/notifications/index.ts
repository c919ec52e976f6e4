/** What other features may use of notifications; everything else in src/notifications/ is its own business. */
export { notifyAdmins } from './service.js';
