import { randomInt } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { assignGroups, assignRoles, authorizeGrants, createUser, type Actor, type UserProfile } from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { hashSecret, randomSecret } from '../platform/crypto.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { notifyChange } from './changes.js';
import { guestHolds, type GuestPass } from './guest.js';
import { verifiedInvitations, type VerifiedInvitationRow, type VerifiedInvitationState } from './schema.js';
import {
  advance,
  at,
  CODE_STEP_MS,
  DETAILS_WINDOW_MS,
  invitationNotFound,
  LIVE_STATES,
  notTheHost,
  refusal,
  SIGN_IN_WINDOW_MS,
  wrongCode,
} from './steps.js';

export const LINK_VALIDITY_MINUTES = { default: 24 * 60, min: 10, max: 7 * 24 * 60 };


// No 0/O or 1/I: the codes are read out loud and must be told apart at a glance.
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 4;
const CHOICES = 4;

const randomCode = () => Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/** The right code among three decoys, in random order. Stored, so every instance and every reload shows the same four. */
function codeChoices(right: string): string[] {
  const choices = new Set([right]);
  while (choices.size < CHOICES) choices.add(randomCode());
  const shuffled = [...choices];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}

export interface NewVerifiedInvitation {
  name?: string | null;
  email?: string | null;
  roleIds: string[];
  groupIds: string[];
  expiresInMinutes: number;
}

/** The host creates the invitation and gets the link's token, once. */
export async function createVerifiedInvitation(
  db: Database,
  context: AuditContext,
  actor: Actor,
  input: NewVerifiedInvitation,
): Promise<{ row: VerifiedInvitationRow; token: string }> {
  const roleIds = [...new Set(input.roleIds)];
  const groupIds = [...new Set(input.groupIds)];
  const token = randomSecret();
  const expiresAt = new Date(context.now.getTime() + input.expiresInMinutes * 60_000);
  const row = await db.transaction(async (tx) => {
    await authorizeGrants(tx, actor, roleIds, groupIds);
    const [created] = await tx
      .insert(verifiedInvitations)
      .values({
        tokenHash: hashSecret(token),
        proposal: { name: input.name?.trim() || null, email: input.email?.trim() || null, roleIds, groupIds },
        createdBy: actor.user.id,
        createdAt: context.now,
        expiresAt,
        stepDeadline: expiresAt,
      })
      .returning();
    await recordAudit(tx, context, {
      action: 'verified_invitation.created',
      targetType: 'verified_invitation',
      targetId: created!.id,
      details: { roleIds, groupIds, expiresAt: expiresAt.toISOString() },
    });
    return created!;
  });
  return { row, token };
}

/** The host greets the waiting guest: both sides get their code and their four choices. One greeting wins. */
export async function greet(db: Database, context: AuditContext, actor: Actor, id: string): Promise<VerifiedInvitationRow> {
  const guestCode = randomCode();
  const hostCode = randomCode();
  const greeted = await db.transaction(async (tx) => {
    const row = await advance(tx, context, id, ['guest_waiting'], {
      state: 'greeted',
      hostId: actor.user.id,
      guestCode,
      hostCode,
      guestChoices: codeChoices(hostCode),
      hostChoices: codeChoices(guestCode),
      stepDeadline: new Date(context.now.getTime() + CODE_STEP_MS),
    });
    if (row) await recordAudit(tx, context, { action: 'verified_invitation.greeted', targetType: 'verified_invitation', targetId: id });
    return row;
  });
  if (greeted) return greeted;
  throw await refusal(db, context, id, 'greet');
}

export type Side = 'guest' | 'host';

/**
 * One side picks, among its four choices, the code the other side read out. Right: the invitation moves on (to
 * `details` once both sides confirmed). Wrong: the invitation is aborted for good, since a guess may be an attacker's.
 * Decided by one UPDATE, so a choice and the other side's choice, a cancel or a timeout cannot interleave.
 */
export async function chooseCode(
  db: Database,
  context: AuditContext,
  side: Side,
  id: string,
  code: string,
  who: { pass: GuestPass } | { actor: Actor },
): Promise<VerifiedInvitationRow> {
  const t = verifiedInvitations;
  const expected = side === 'guest' ? t.hostCode : t.guestCode;
  const choices = side === 'guest' ? t.guestChoices : t.hostChoices;
  const waitingFor: VerifiedInvitationState = side === 'guest' ? 'host_confirmed' : 'guest_confirmed';
  const firstState: VerifiedInvitationState = side === 'guest' ? 'guest_confirmed' : 'host_confirmed';
  const right = sql`${expected} = ${code}`;
  const codeDeadline = new Date(context.now.getTime() + CODE_STEP_MS);
  const detailsDeadline = new Date(context.now.getTime() + DETAILS_WINDOW_MS);
  const chosen = await db.transaction(async (tx) => {
    const row = await advance(
      tx,
      context,
      id,
      ['greeted', waitingFor],
      {
        state: sql`case when not (${right}) then 'aborted' when ${t.state} = 'greeted' then ${firstState} else 'details' end`,
        stepDeadline: sql`case when not (${right}) then null when ${t.state} = 'greeted' then ${at(codeDeadline)} else ${at(detailsDeadline)} end`,
        abortReason: sql`case when ${right} then null else ${`${side}_chose_wrong_code`} end`,
        endedAt: sql`case when ${right} then null else ${at(context.now)} end`,
      },
      and(sql`${code} = any(${choices})`, 'pass' in who ? guestHolds(who.pass) : eq(t.hostId, who.actor.user.id)),
    );
    if (!row) return undefined;
    const accepted = row.state !== 'aborted';
    await recordAudit(tx, context, {
      action: accepted ? 'verified_invitation.code_confirmed' : 'verified_invitation.code_rejected',
      targetType: 'verified_invitation',
      targetId: id,
      details: { side, ...(accepted ? {} : { chosen: code }) },
    });
    if (!accepted) {
      await recordAudit(tx, context, {
        action: 'verified_invitation.aborted',
        targetType: 'verified_invitation',
        targetId: id,
        details: { reason: row.abortReason },
      });
    }
    return row;
  });
  if (chosen?.state === 'aborted') throw wrongCode();
  if (chosen) return chosen;
  throw await refusal(db, context, id, `${side}_choice`, (row) => {
    if ('pass' in who && row.guestSecretHash !== hashSecret(who.pass.secret)) throw invitationNotFound();
    if ('actor' in who && row.hostId !== null && row.hostId !== who.actor.user.id) throw notTheHost();
    const shown = (side === 'guest' ? row.guestChoices : row.hostChoices) ?? [];
    if (['greeted', waitingFor].includes(row.state) && !shown.includes(code)) {
      throw new FoyerError(400, 'validation_failed', 'Pick one of the four codes shown.', {
        details: { fields: { code: 'is not one of the codes shown' } },
      });
    }
  });
}

/** The host stops an invitation that has not ended yet; the link is dead from then on. */
export async function cancelInvitation(db: Database, context: AuditContext, id: string): Promise<void> {
  const cancelled = await db.transaction(async (tx) => {
    if (!isUuid(id)) return undefined;
    // Cancelling ignores deadlines: stopping an invitation is always allowed while it is not over.
    const [row] = await tx
      .update(verifiedInvitations)
      .set({ state: 'aborted', abortReason: 'cancelled', endedAt: context.now, stepDeadline: null, version: sql`${verifiedInvitations.version} + 1` })
      .where(and(eq(verifiedInvitations.id, id), inArray(verifiedInvitations.state, LIVE_STATES)))
      .returning();
    if (!row) return undefined;
    await notifyChange(tx, id);
    await recordAudit(tx, context, {
      action: 'verified_invitation.aborted',
      targetType: 'verified_invitation',
      targetId: id,
      details: { reason: 'cancelled' },
    });
    return row;
  });
  if (!cancelled) throw await refusal(db, context, id, 'cancel');
}

export interface ConfirmedDetails {
  name: string;
  email: string;
  username: string;
  roleIds: string[];
  groupIds: string[];
  profile: UserProfile;
}

/**
 * Both codes are confirmed: the host settles who the person is and what they may do, and the account is created in
 * the same transaction as the step. A clash (email taken) undoes both, so the host can correct and try again.
 */
export async function confirmDetails(
  db: Database,
  context: AuditContext,
  actor: Actor,
  id: string,
  details: ConfirmedDetails,
  config: Config,
): Promise<VerifiedInvitationRow> {
  const completed = await db.transaction(async (tx) => {
    const row = await advance(
      tx,
      context,
      id,
      ['details'],
      { state: 'completed', endedAt: context.now, stepDeadline: new Date(context.now.getTime() + SIGN_IN_WINDOW_MS) },
      eq(verifiedInvitations.hostId, actor.user.id),
    );
    if (!row) return undefined;
    await authorizeGrants(tx, actor, details.roleIds, details.groupIds);
    // Nobody proved the address by mail: seeing the person is not reading their inbox.
    const user = await createUser(tx, context, {
      name: details.name,
      email: details.email,
      username: details.username,
      profile: details.profile,
      emailVerified: false,
    }, config);
    await assignRoles(tx, { audit: context, config }, actor, user.id, details.roleIds);
    await assignGroups(tx, { audit: context, config }, actor, user.id, details.groupIds);
    const [done] = await tx.update(verifiedInvitations).set({ userId: user.id }).where(eq(verifiedInvitations.id, id)).returning();
    await recordAudit(tx, context, {
      action: 'verified_invitation.completed',
      targetType: 'verified_invitation',
      targetId: id,
      details: { userId: user.id },
    });
    return done;
  });
  if (completed) return completed;
  throw await refusal(db, context, id, 'confirm_details', (row) => {
    if (row.hostId !== null && row.hostId !== actor.user.id) throw notTheHost();
  });
}
