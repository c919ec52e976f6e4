import { recordAudit, type AuditContext } from '../../audit/record.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { consumeRateLimit } from '../../platform/rate-limits/limiter.js';
import { findUserByIdentifier } from '../../users/service.js';
import { verifyPassword } from '../passwords/hashing.js';
import { completeSignIn, type SignInResult } from './complete-sign-in.js';

const invalidCredentials = () =>
  new FoyerError(401, 'invalid_credentials', 'The email, username or password is not correct.');

export interface SignInLimits {
  perIp: number;
  perAccount: number;
}

/**
 * Password sign-in. Unknown identifiers, accounts without a password and wrong passwords all cost one argon2
 * verification and give the same 401, so the reply never tells whether an account exists. Only someone who knows
 * the password learns that the account is disabled.
 */
export async function signInWithPassword(
  db: Database,
  context: AuditContext,
  limits: SignInLimits,
  input: { identifier: string; password: string },
): Promise<SignInResult> {
  const identifier = input.identifier.trim().toLowerCase();
  const minute = { windowMs: 60_000 };
  try {
    await consumeRateLimit(db, `signin:ip:${context.ip ?? 'unknown'}`, { ...minute, limit: limits.perIp }, context.now);
    await consumeRateLimit(db, `signin:id:${identifier}`, { ...minute, limit: limits.perAccount }, context.now);
  } catch (error) {
    await recordAudit(db, context, { action: 'auth.login.throttled', details: { identifier } });
    throw error;
  }

  const user = await findUserByIdentifier(db, identifier);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !passwordOk) {
    await recordAudit(db, context, {
      action: 'auth.login.failed',
      targetType: user ? 'user' : undefined,
      targetId: user?.id,
      details: { identifier, reason: 'invalid_credentials' },
    });
    throw invalidCredentials();
  }
  if (user.status !== 'active') {
    await recordAudit(db, context, {
      action: 'auth.login.failed',
      targetType: 'user',
      targetId: user.id,
      details: { identifier, reason: `account_${user.status}` },
    });
    throw new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
  }

  return db.transaction((tx) => completeSignIn(tx, context, user, { method: 'password' }));
}
