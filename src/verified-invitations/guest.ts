import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { completeSignIn, type SignInResult } from '../auth/index.js';
import { hashSecret, randomSecret } from '../platform/crypto.js';
import type { Database } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import { verifiedInvitations, type VerifiedInvitationRow } from './schema.js';
import {
  abortedError,
  advance,
  alreadyOpenedError,
  at,
  expiredError,
  GREET_WINDOW_MS,
  invitationNotFound,
  isTerminal,
  readInvitation,
  refusal,
} from './steps.js';

/** The guest's cookie value: which invitation, and the secret only their browser holds. */
export interface GuestPass {
  invitationId: string;
  secret: string;
}

export const guestPassValue = (pass: GuestPass) => `${pass.invitationId}.${pass.secret}`;

export function parseGuestPass(value: string | undefined): GuestPass | null {
  const [invitationId, secret, extra] = (value ?? '').split('.');
  if (!invitationId || !secret || extra !== undefined || !isUuid(invitationId) || secret.length > 128) return null;
  return { invitationId, secret };
}

/**
 * The guest opens the link. The first browser to do so is bound to the invitation by a secret it keeps in a cookie;
 * a reload in that browser continues, any other browser is refused, so a copied link is worth nothing once opened.
 */
export async function joinAsGuest(
  db: Database,
  context: AuditContext,
  token: string,
  held: GuestPass | null,
): Promise<{ row: VerifiedInvitationRow; pass: GuestPass | null }> {
  const [found] = await db.select().from(verifiedInvitations).where(eq(verifiedInvitations.tokenHash, hashSecret(token)));
  if (!found) throw invitationNotFound();
  const secret = randomSecret();
  const joined = await db.transaction(async (tx) => {
    const row = await advance(tx, context, found.id, ['waiting_for_guest'], {
      state: 'guest_waiting',
      guestSecretHash: hashSecret(secret),
      stepDeadline: new Date(context.now.getTime() + GREET_WINDOW_MS),
    });
    if (row) {
      await recordAudit(tx, context, { action: 'verified_invitation.guest_joined', targetType: 'verified_invitation', targetId: row.id });
    }
    return row;
  });
  if (joined) return { row: joined, pass: { invitationId: joined.id, secret } };

  const current = await readInvitation(db, context, found.id);
  if (current && held && held.invitationId === current.id && current.guestSecretHash === hashSecret(held.secret)) {
    if (current.state === 'expired') throw expiredError();
    if (current.state === 'aborted') throw abortedError();
    return { row: current, pass: null };
  }
  throw await refusal(db, context, found.id, 'join', (row) => {
    if (row.guestSecretHash !== null && !isTerminal(row.state)) throw alreadyOpenedError();
  });
}

/** The guest's own invitation, only for the browser holding the secret set when it opened the link. */
export async function readAsGuest(db: Database, context: AuditContext, id: string, pass: GuestPass | null) {
  if (!pass || pass.invitationId !== id) throw invitationNotFound();
  const row = await readInvitation(db, context, id);
  if (!row || row.guestSecretHash !== hashSecret(pass.secret)) throw invitationNotFound();
  return row;
}

export const guestHolds = (pass: GuestPass) => eq(verifiedInvitations.guestSecretHash, hashSecret(pass.secret));

/**
 * The guest's browser, still holding its secret, exchanges it once for a session after the host created the account.
 * The secret is the one-time handle: the UPDATE spends it, so a replay finds nothing.
 */
export async function signInGuest(db: Database, context: AuditContext, id: string, pass: GuestPass | null): Promise<SignInResult> {
  if (!pass || pass.invitationId !== id || !isUuid(id)) throw invitationNotFound();
  const t = verifiedInvitations;
  const result = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(t)
      .set({ guestSignedInAt: context.now, guestSecretHash: null, version: sql`${t.version} + 1` })
      .where(
        and(
          eq(t.id, id),
          eq(t.state, 'completed'),
          guestHolds(pass),
          isNull(t.guestSignedInAt),
          sql`${t.stepDeadline} > ${at(context.now)}`,
          // An account disabled between creation and this exchange must not get a session.
          sql`exists (select 1 from users u where u.id = verified_invitations.user_id and u.status = 'active')`,
        ),
      )
      .returning();
    if (!row?.userId) return null;
    await recordAudit(tx, context, {
      action: 'verified_invitation.guest_signed_in',
      targetType: 'verified_invitation',
      targetId: id,
      details: { userId: row.userId },
    });
    return completeSignIn(tx, context, { id: row.userId }, { method: 'invitation' });
  });
  if (result) return result;
  throw await refusal(db, context, id, 'sign_in', () => {
    throw invitationNotFound();
  });
}
