import { eq } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../../audit/record.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { users } from '../../users/schema.js';
import { consumeOneTimeToken, issueOneTimeToken } from '../one-time-tokens/service.js';
import { createSession, endOtherSessions } from '../sessions/service.js';
import { hashPassword } from './hashing.js';

export const SET_PASSWORD_LINK_TTL_MS = 24 * 60 * 60 * 1000;

export async function issueSetPasswordLink(db: Database, config: Config, userId: string, now: Date): Promise<string> {
  const token = await issueOneTimeToken(db, { purpose: 'set_password', userId, ttlMs: SET_PASSWORD_LINK_TTL_MS, now });
  return new URL(`/set-password?token=${token}`, config.publicUrl).toString();
}

/**
 * Sets a password through a one-time link. The link arrived by email, so using it also proves the address;
 * every earlier session of the account ends, and the person is signed in afresh.
 */
export async function setPasswordWithToken(db: Database, context: AuditContext, token: string, password: string) {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const spent = await consumeOneTimeToken(tx, 'set_password', token, context.now);
    if (!spent?.userId) {
      throw new FoyerError(410, 'password_token_invalid', 'This link has expired or was already used. Ask for a new one.');
    }
    const [user] = await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: context.now, updatedAt: context.now, lastLoginAt: context.now })
      .where(eq(users.id, spent.userId))
      .returning({ id: users.id, status: users.status, emailVerifiedAt: users.emailVerifiedAt });
    if (!user || user.status !== 'active') {
      throw new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
    }
    await endOtherSessions(tx, user.id, null);
    const sessionToken = await createSession(tx, user.id, context, context.now);
    await recordAudit(tx, { ...context, actorType: 'user', actorId: user.id }, { action: 'auth.password.set', targetType: 'user', targetId: user.id });
    return { userId: user.id, sessionToken };
  });
}
