import { and, eq, inArray, isNull } from 'drizzle-orm';
import { credentialSaved } from '../credentials.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { confirmEmailThroughLink } from '../../accounts/index.js';
import { oneTimeTokens } from '../one-time-tokens/schema.js';
import { consumeOneTimeToken, issueOneTimeToken } from '../one-time-tokens/service.js';
import { completeSignIn, type SignInResult } from '../sessions/complete-sign-in.js';
import { endOtherSessions } from '../sessions/service.js';
import { clearAccountThrottles } from '../throttling/service.js';
import { hashPassword } from './hashing.js';
import { assertPasswordAllowed } from './policy.js';
import { assertPasswordsEnabled } from './settings.js';

export const SET_PASSWORD_LINK_TTL_MS = 24 * 60 * 60 * 1000;

export async function issueSetPasswordLink(db: Database, config: Config, userId: string, now: Date): Promise<string> {
  const token = await issueOneTimeToken(db, { purpose: 'set_password', userId, ttlMs: SET_PASSWORD_LINK_TTL_MS, now });
  return new URL(`/set-password?token=${token}`, config.publicUrl).toString();
}

export const passwordTokenInvalid = () =>
  new FoyerError(410, 'password_token_invalid', 'This link has expired or was already used. Ask for a new one.');

/**
 * Sets a password through a one-time link: a set-password link (new accounts, invitations) or a forgotten-password
 * link. The link arrived by email, so using it also proves the address and lifts any sign-in lock; every session of
 * the account ends, as do its other unused links. It is one way of proving the first factor, no more: the sign-in
 * finishes through `completeSignIn`, which asks for the second factor when one is due.
 */
export async function setPasswordWithToken(db: Database, context: AuditContext, token: string, password: string): Promise<SignInResult> {
  await assertPasswordsEnabled(db);
  assertPasswordAllowed(password);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const spent =
      (await consumeOneTimeToken(tx, 'set_password', token, context.now)) ??
      (await consumeOneTimeToken(tx, 'password_reset', token, context.now));
    if (!spent?.userId) throw passwordTokenInvalid();
    const user = await confirmEmailThroughLink(tx, { userId: spent.userId }, context.now, passwordHash);
    if (!user || user.status !== 'active') {
      throw new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
    }
    await endOtherSessions(tx, user.id, null);
    await tx
      .delete(oneTimeTokens)
      .where(
        and(eq(oneTimeTokens.userId, user.id), inArray(oneTimeTokens.purpose, ['set_password', 'password_reset']), isNull(oneTimeTokens.usedAt)),
      );
    const self = { ...context, actorType: 'user' as const, actorId: user.id };
    const unlocked = await clearAccountThrottles(tx, user);
    if (unlocked.length > 0) {
      await recordAudit(tx, self, { action: 'auth.sign_in.unlocked', targetType: 'user', targetId: user.id, details: { methods: unlocked, via: 'password_reset' } });
    }
    await recordAudit(tx, self, {
      action: spent.purpose === 'password_reset' ? 'auth.password.reset' : 'auth.password.set',
      targetType: 'user',
      targetId: user.id,
    });
    await credentialSaved(tx, { userId: user.id, kind: 'password', context });
    return completeSignIn(tx, context, user, { method: 'password_link' });
  });
}
