import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { findUserByIdentifier } from '../../accounts/index.js';
import { verifyPassword, type PasswordVerifier } from '../passwords/hashing.js';
import { assertPasswordsEnabled } from '../passwords/settings.js';
import { guardAttempt, recordFailedAttempt, recordSuccessfulAttempt, type Attempt } from '../throttling/service.js';
import { completeSignIn, type SignInResult } from './complete-sign-in.js';

const invalidCredentials = () =>
  new FoyerError(401, 'invalid_credentials', 'The email, username or password is not correct.');

/**
 * Password sign-in. Unknown identifiers, accounts without a password and wrong passwords all pass the same statements
 * (a look-up, the throttle, one argon2 verification, the failure's audit event and lock check) and give the same 401,
 * so the reply never tells whether an account exists. Only someone who knows the password learns that the account
 * is disabled or awaiting approval.
 *
 * The throttle counts per account once the identifier resolves to one (by user id, so the email and the username lock
 * together), and per typed identifier otherwise. The audit log never keeps what was typed: a failure names the
 * account it resolved to, or nobody.
 */
export async function signInWithPassword(
  db: Database,
  context: AuditContext,
  input: { identifier: string; password: string },
  verify: PasswordVerifier = verifyPassword,
): Promise<SignInResult> {
  await assertPasswordsEnabled(db);
  const identifier = input.identifier.trim().toLowerCase();
  const user = await findUserByIdentifier(db, identifier);
  const attempt: Attempt = { accountKey: user?.id ?? identifier, ip: context.ip, method: 'password', now: context.now };
  const target = user ? { targetType: 'user', targetId: user.id } : {};
  try {
    await guardAttempt(db, attempt);
  } catch (error) {
    if (error instanceof FoyerError) {
      await recordAudit(db, context, { action: 'auth.login.throttled', ...target, details: { reason: error.code } });
    }
    throw error;
  }

  const passwordOk = await verify(user?.passwordHash ?? null, input.password);
  if (!user || !passwordOk) {
    await db.transaction(async (tx) => {
      await recordAudit(tx, context, { action: 'auth.login.failed', ...target, details: { reason: 'invalid_credentials' } });
      await recordFailedAttempt(tx, context, { ...attempt, userId: user?.id ?? null });
    });
    throw invalidCredentials();
  }
  if (user.status !== 'active') {
    await recordAudit(db, context, {
      action: 'auth.login.failed',
      targetType: 'user',
      targetId: user.id,
      details: { reason: `account_${user.status}` },
    });
    if (user.status === 'pending_approval') {
      throw new FoyerError(403, 'account_pending_approval', 'Your account is awaiting administrator approval.');
    }
    throw new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
  }

  return db.transaction(async (tx) => {
    await recordSuccessfulAttempt(tx, attempt);
    return completeSignIn(tx, context, user, { method: 'password' });
  });
}
