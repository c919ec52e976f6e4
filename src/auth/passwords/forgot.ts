import { and, isNull, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { consumeRateLimit } from '../../platform/rate-limits/limiter.js';
import { enqueueDecoyMail, enqueueMail } from '../../mail/index.js';
import { users } from '../../accounts/index.js';
import { issueOneTimeToken } from '../one-time-tokens/service.js';
import { assertPasswordsEnabled } from './settings.js';

/** ASVS 6.4.x: a reset link is short-lived. */
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;
/** More links than this to one address within the hour are not sent: nobody needs them, and they would flood the inbox. */
export const RESET_MAILS_PER_ADDRESS_PER_HOUR = 3;
export const RESET_REQUESTS_PER_IP_PER_HOUR = 30;
const HOUR = 60 * 60_000;

export const FORGOT_PASSWORD_REPLY = {
  message: 'If an account uses this email address, we sent it a link to choose a new password. The link works for 30 minutes.',
} as const;

/**
 * Sends a reset link when the address belongs to an account that may sign in. The caller always answers the same 202:
 * known and unknown addresses do the same statements (a look-up, a token row, the mail's rendering and outbox insert —
 * a decoy that adds no row when nobody is mailed — and an audit event), so neither the reply nor the database work
 * tells who has an account. Only the email itself differs, and it reaches the address's owner alone.
 */
export async function requestPasswordReset(
  db: Database,
  config: Config,
  context: AuditContext,
  input: { email: string },
): Promise<{ mailed: boolean }> {
  await assertPasswordsEnabled(db);
  const address = input.email.trim().toLowerCase();
  await consumeRateLimit(db, `password_reset:ip:${context.ip ?? 'unknown'}`, { limit: RESET_REQUESTS_PER_IP_PER_HOUR, windowMs: HOUR }, context.now);
  const withinAddressLimit = await consumeRateLimit(
    db,
    `password_reset:email:${address}`,
    { limit: RESET_MAILS_PER_ADDRESS_PER_HOUR, windowMs: HOUR },
    context.now,
  ).then(
    () => true,
    (error: unknown) => {
      // Refusing here would tell the caller nothing new, but answering differently is still an answer: stay silent.
      if (error instanceof FoyerError && error.status === 429) return false;
      throw error;
    },
  );

  return db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, name: users.name, email: users.email, status: users.status })
      .from(users)
      .where(and(sql`lower(${users.email}) = ${address}`, isNull(users.deletedAt)))
      .limit(1);
    const eligible = user?.status === 'active' && withinAddressLimit ? user : null;
    // Issued for unknown addresses too (owned by nobody, so it can never be spent): the same work either way.
    const token = await issueOneTimeToken(tx, { purpose: 'password_reset', userId: eligible?.id ?? null, ttlMs: PASSWORD_RESET_TTL_MS, now: context.now });
    const mail = {
      to: eligible?.email ?? address,
      template: 'password_reset' as const,
      data: {
        name: eligible?.name ?? address,
        link: new URL(`/reset-password?token=${token}`, config.publicUrl).toString(),
        expiresAt: new Date(context.now.getTime() + PASSWORD_RESET_TTL_MS),
      },
    };
    // Nobody eligible: the same rendering and outbox statement, adding no row (see enqueueDecoyMail).
    await (eligible ? enqueueMail(tx, config, mail) : enqueueDecoyMail(tx, config, mail));
    await recordAudit(tx, context, {
      action: 'auth.password.reset_requested',
      targetType: user ? 'user' : undefined,
      targetId: user?.id,
      details: { email: address, mailed: Boolean(eligible) },
    });
    return { mailed: Boolean(eligible) };
  });
}
