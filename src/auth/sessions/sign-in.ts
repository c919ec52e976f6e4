import { eq } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../../audit/record.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { consumeRateLimit } from '../../platform/rate-limits/limiter.js';
import { findUserByIdentifier } from '../../users/service.js';
import { users } from '../../users/schema.js';
import { verifyPassword } from '../passwords/hashing.js';
import { createSession } from './service.js';

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
): Promise<{ userId: string; token: string }> {
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

  return db.transaction(async (tx) => {
    const token = await createSession(tx, user.id, context, context.now);
    await tx.update(users).set({ lastLoginAt: context.now }).where(eq(users.id, user.id));
    await recordAudit(tx, { ...context, actorType: 'user', actorId: user.id }, {
      action: 'auth.login.succeeded',
      targetType: 'user',
      targetId: user.id,
      details: { method: 'password' },
    });
    return { userId: user.id, token };
  });
}
