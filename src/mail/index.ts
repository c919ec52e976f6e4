/** What other features may use of mail; everything else in src/mail/ is its own business. */
export { type DeliveryOutcome, waitingMailCount } from './delivery.js';
export { captureSms, type EnqueuedMail, enqueueDecoyMail, enqueueMail } from './outbox.js';
export { assertMailConfigured, mailDeliveryMode, mailInstance, mailSettingsSection } from './settings.js';
export { escapeHtml, type TemplateData, type TemplateName } from './templates.js';
export { wakeMailWorkers } from './worker.js';
// Finished mail is forgotten by retention (platform/retention.ts) once mail is loaded.
import './retention.js';
