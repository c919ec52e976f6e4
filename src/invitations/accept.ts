import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { assertPasswordAllowed, completeSignIn, hashPassword, type SignInResult } from '../auth/index.js';
import { hashSecret } from '../platform/crypto.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { confirmEmailThroughLink, users } from '../accounts/index.js';
import { invitations } from './schema.js';

/** Why a link no longer works, or 404 when it never did (or was replaced by a newer one). */
async function explainUnusableLink(db: Database, tokenHash: string, now: Date): Promise<never> {
  const [row] = await db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash));
  if (!row) throw new FoyerError(404, 'invitation_not_found', 'This invitation link is not valid. If you received a newer one, use that.');
  if (row.revokedAt) throw new FoyerError(410, 'invitation_revoked', 'This invitation was withdrawn. Contact your administrator.');
  if (row.acceptedAt) throw new FoyerError(410, 'invitation_used', 'This invitation was already used. Sign in instead.');
  if (row.expiresAt <= now) throw new FoyerError(410, 'invitation_expired', 'This invitation has expired. Ask your administrator to send a new one.');
  throw invitationOutdated();
}

const invitationOutdated = () =>
  new FoyerError(410, 'invitation_outdated', 'This invitation no longer matches the account. Ask your administrator to send a new one.');

/** What the accept page shows before the person chooses a password or a passkey. */
export async function readInvitation(db: Database, token: string, now: Date) {
  const tokenHash = hashSecret(token);
  const [row] = await db
    .select({ name: users.name, email: users.email, expiresAt: invitations.expiresAt, passwordHash: users.passwordHash })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(
      and(
        eq(invitations.tokenHash, tokenHash),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        sql`${invitations.expiresAt} > ${now}`,
        sql`lower(${users.email}) = lower(${invitations.email})`,
      ),
    );
  if (!row) return explainUnusableLink(db, tokenHash, now);
  return { name: row.name, email: row.email, expiresAt: row.expiresAt, hasPassword: row.passwordHash !== null };
}

export type AcceptChoice = { password: string } | { passkey: true };

const openLink = (tokenHash: string, now: Date) =>
  and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), sql`${invitations.expiresAt} > ${now}`);

/**
 * Accepts an invitation: the link arrived by email, so using it confirms the address in the same step. With a password
 * it becomes the account's password and the link is spent by the UPDATE that checks it, so it works exactly once
 * under any concurrency. With `passkey` the person is signed in to register one, and the link stays open until that
 * passkey is saved (`acceptOnFirstCredential`): someone who stops before it can follow the same link again.
 */
export async function acceptInvitation(db: Database, context: AuditContext, token: string, choice: AcceptChoice): Promise<SignInResult> {
  if ('password' in choice) assertPasswordAllowed(choice.password);
  const passwordHash = 'password' in choice ? await hashPassword(choice.password) : undefined;
  const tokenHash = hashSecret(token);
  return db.transaction(async (tx) => {
    const [open] = passwordHash
      ? await tx.update(invitations).set({ acceptedAt: context.now, acceptedVia: 'password' }).where(openLink(tokenHash, context.now)).returning()
      : await tx.select().from(invitations).where(openLink(tokenHash, context.now)).for('update');
    if (!open) return explainUnusableLink(tx, tokenHash, context.now);
    // The link proves the address it was sent to, and nothing else: if the account's email changed since, refuse.
    const user = await confirmEmailThroughLink(tx, { userId: open.userId, sentTo: open.email }, context.now, passwordHash);
    if (!user) throw invitationOutdated();
    if (user.status !== 'active') throw new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
    if (passwordHash) {
      const personal = { ...context, actorType: 'user' as const, actorId: user.id };
      await recordAudit(tx, personal, {
        action: 'invitation.accepted',
        targetType: 'user',
        targetId: user.id,
        details: { invitationId: open.id, via: 'password', emailVerified: true },
      });
    }
    return completeSignIn(tx, context, user, { method: 'invitation' });
  });
}

/**
 * The invited person's first passkey (or a password set another way) accepts their open invitation, in the
 * transaction that saves it: from then on its link answers `invitation_used`.
 */
export async function acceptOnFirstCredential(tx: Database, context: AuditContext, userId: string, via: 'passkey' | 'password'): Promise<void> {
  const [accepted] = await tx
    .update(invitations)
    .set({ acceptedAt: context.now, acceptedVia: via })
    .where(and(eq(invitations.userId, userId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  if (!accepted) return;
  await recordAudit(tx, { ...context, actorType: 'user', actorId: userId }, {
    action: 'invitation.accepted',
    targetType: 'user',
    targetId: userId,
    details: { invitationId: accepted.id, via },
  });
}

