/** What other features may use of auth; everything else in src/auth/ is its own business. */
export { credentialSaved, onCredentialSaved, type CredentialChange, type CredentialListener } from './credentials.js';
export { confirmedMethodsOf } from './mfa/methods.js';
export { MFA_METHODS } from './mfa/schema.js';
export { mfaSettingsSection, readMfaSettings } from './mfa/settings.js';
/** The token store's table, for the foreign key of a feature row that points at its token (login links). */
export { oneTimeTokens } from './one-time-tokens/schema.js';
export {
  consumeOneTimeToken,
  endUnusedOneTimeTokens,
  isOneTimeTokenUsable,
  issueOneTimeToken,
  issueReferencedOneTimeToken,
  replaceOneTimeToken,
  withdrawOneTimeTokens,
} from './one-time-tokens/service.js';
export { countPasskeys, hasPasskeySql } from './passkeys/service.js';
export { boundedNewPassword, newPassword } from './fields.js';
export { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords/hashing.js';
export { assertPasswordAllowed, hashNewPassword } from './passwords/policy.js';
export { issueSetPasswordLink } from './passwords/set-password.js';
export { passwordSettingsSection } from './passwords/settings.js';
export { requireRecentSignIn } from './recent-sign-in.js';
export { loadMe, meSchema, toMe, type Me } from './me.js';
export { auditContext, requireActor, requireAnyPermission, requirePermission } from './request.js';
export { completeSignIn, replyToSignIn, signInReplySchema, type SignInResult } from './sessions/complete-sign-in.js';
export { endOneSessionOf, endSessionsSignedInThroughSso } from './sessions/service.js';
export { recentSessionsOf, sessionViewSchema, toSessionView } from './sessions/session-list.js';
