import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { consumeOneTimeToken, replaceOneTimeToken } from '../auth/index.js';
import { enqueueMail } from '../mail/index.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import type { AppDeps } from '../platform/http.js';
import { consumeRateLimit } from '../platform/rate-limits/limiter.js';
import { markEmailVerified, users } from '../accounts/index.js';

export const VERIFICATION_CODE_TTL_MS = 24 * 60 * 60 * 1000;

/** Six digits are easy to type; the attempt limit below is what keeps them from being guessed. */
const VERIFY_ATTEMPTS = { limit: 10, windowMs: 60 * 60 * 1000 };
const RESENDS = { limit: 5, windowMs: 60 * 60 * 1000 };

/**
 * A code is only stored as the hash of account, address and code together: codes are short, so they must not collide
 * across accounts, and a code sent to an address the account no longer has must not confirm the new one.
 */
const codeKey = (userId: string, email: string, code: string) => `${userId}:${email.trim().toLowerCase()}:${code}`;

export const emailAlreadyVerified = () =>
  new FoyerError(409, 'email_already_verified', 'Your email address is already confirmed.');

/**
 * Sends a fresh confirmation code to the account's address; earlier unused codes stop working. Runs in the caller's
 * transaction (sign-up) or its own (resend); call `wakeMailWorkers()` after the commit.
 */
export async function sendVerificationCode(
  tx: Database,
  deps: Pick<AppDeps, 'config'>,
  user: { id: string; name: string; email: string },
  now: Date,
): Promise<{ mail: 'queued' | 'blocked'; mailReason: string | null }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now.getTime() + VERIFICATION_CODE_TTL_MS);
  await replaceOneTimeToken(tx, {
    purpose: 'email_verification',
    userId: user.id,
    secret: codeKey(user.id, user.email, code),
    ttlMs: VERIFICATION_CODE_TTL_MS,
    now,
  });
  const enqueued = await enqueueMail(tx, deps.config, {
    to: user.email,
    template: 'email_verification_code',
    data: { name: user.name, code, expiresAt },
  });
  return { mail: enqueued.status, mailReason: enqueued.reason };
}

async function loadUnverified(db: Database, userId: string) {
  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email, emailVerifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new Error(`user ${userId} vanished`);
  if (user.emailVerifiedAt) throw emailAlreadyVerified();
  return user;
}

export async function resendVerificationCode(db: Database, context: AuditContext, deps: Pick<AppDeps, 'config'>, userId: string) {
  await consumeRateLimit(db, `email-verification:send:${userId}`, RESENDS, context.now);
  return db.transaction(async (tx) => {
    const user = await loadUnverified(tx, userId);
    const sent = await sendVerificationCode(tx, deps, user, context.now);
    await recordAudit(tx, context, { action: 'email.verification_sent', targetType: 'user', targetId: userId, details: { email: user.email, mail: sent.mail } });
    return sent;
  });
}

/** Confirms the signed-in person's address with the code mailed to it. Each code works once. */
export async function verifyEmail(db: Database, context: AuditContext, userId: string, code: string): Promise<void> {
  await consumeRateLimit(db, `email-verification:verify:${userId}`, VERIFY_ATTEMPTS, context.now);
  await db.transaction(async (tx) => {
    const user = await loadUnverified(tx, userId);
    const spent = await consumeOneTimeToken(tx, 'email_verification', codeKey(userId, user.email, code.trim()), context.now);
    if (!spent || spent.userId !== userId) {
      const message = 'This code is not correct or has expired. Check the latest email, or send a new code.';
      throw new FoyerError(400, 'verification_code_invalid', message, { details: { fields: { code: message } } });
    }
    await markEmailVerified(tx, userId, context.now);
    await recordAudit(tx, context, { action: 'email.verified', targetType: 'user', targetId: userId, details: { email: user.email } });
  });
}
