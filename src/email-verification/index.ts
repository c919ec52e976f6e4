/** What other features may use of email-verification; everything else in src/email-verification/ is its own business. */
export { sendVerificationCode } from './service.js';
