import { randomInt } from 'node:crypto';
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { assignGroups, assignRoles, authorizeGrants, type Actor, type UserProfile } from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { completeSignIn, type SignInResult } from '../auth/index.js';
import { hashSecret, randomSecret } from '../platform/crypto.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { createUser } from '../users/index.js';
import { notifyChange } from './changes.js';
import {
  VERIFIED_INVITATION_STATES,
  verifiedInvitations,
  type VerifiedInvitationRow,
  type VerifiedInvitationState,
} from './schema.js';

export const LINK_VALIDITY_MINUTES = { default: 24 * 60, min: 10, max: 7 * 24 * 60 };
/** The host has this long to greet a guest who opened the link. */
const GREET_WINDOW_MS = 10 * 60_000;
/** Each code choice must happen within this long of the previous step. */
const CODE_STEP_MS = 2 * 60_000;
/** The host has this long to confirm the details once both codes are confirmed. */
const DETAILS_WINDOW_MS = 10 * 60_000;
/** The guest's browser has this long after completion to exchange its cookie for a session. */
const SIGN_IN_WINDOW_MS = 10 * 60_000;

const TERMINAL_STATES: readonly VerifiedInvitationState[] = ['completed', 'aborted', 'expired'];
export const isTerminal = (state: VerifiedInvitationState) => TERMINAL_STATES.includes(state);
const LIVE_STATES = VERIFIED_INVITATION_STATES.filter((state) => !isTerminal(state));

// No 0/O or 1/I: the codes are read out loud and must be told apart at a glance.
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 4;
const CHOICES = 4;

/** A timestamp for raw SQL, in one form both drivers read the same way. */
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

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

export const invitationNotFound = () => notFound('The invitation');
const expiredError = () =>
  new FoyerError(410, 'verified_invitation_expired', 'This invitation timed out. Ask the person who invited you for a new one.');
const abortedError = () =>
  new FoyerError(410, 'verified_invitation_aborted', 'This invitation was stopped and can no longer be used. Ask for a new one.');
const stepError = (state: VerifiedInvitationState) =>
  new FoyerError(409, 'verified_invitation_wrong_step', 'This step is not possible at this point of the invitation.', {
    details: { state },
  });
const alreadyOpenedError = () =>
  new FoyerError(409, 'verified_invitation_already_opened', 'This invitation link was already opened in another browser. Ask for a new one.');
const notTheHost = () => new FoyerError(403, 'not_the_host', 'Another administrator is greeting this guest.');
const wrongCode = () =>
  new FoyerError(409, 'verification_code_wrong', 'That was not the code the other person read out. The invitation was stopped for safety.');

export interface NewVerifiedInvitation {
  name?: string | null;
  email?: string | null;
  roleIds: string[];
  groupIds: string[];
  expiresInMinutes: number;
}

async function authorizeProposal(db: Database, actor: Actor, roleIds: string[], groupIds: string[]) {
  await authorizeGrants(db, actor, roleIds, groupIds);
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
    await authorizeProposal(tx, actor, roleIds, groupIds);
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

async function findById(db: Database, id: string): Promise<VerifiedInvitationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(verifiedInvitations).where(eq(verifiedInvitations.id, id));
  return row;
}

/**
 * Reads an invitation and, when its current step ran out of time, expires it first. Any reader does this (a live
 * stream, a page load, a refused step), so no background job is needed; the conditional UPDATE makes it happen once.
 */
export async function readInvitation(db: Database, context: AuditContext, id: string): Promise<VerifiedInvitationRow | undefined> {
  const row = await findById(db, id);
  if (!row || isTerminal(row.state) || !row.stepDeadline || row.stepDeadline > context.now) return row;
  return db.transaction(async (tx) => {
    const [expired] = await tx
      .update(verifiedInvitations)
      .set({ state: 'expired', endedAt: context.now, stepDeadline: null, version: sql`${verifiedInvitations.version} + 1` })
      .where(and(eq(verifiedInvitations.id, id), eq(verifiedInvitations.state, row.state), sql`${verifiedInvitations.stepDeadline} <= ${at(context.now)}`))
      .returning();
    if (!expired) return findById(tx, id);
    await recordAudit(tx, { ...context, actorType: 'system', actorId: null }, {
      action: 'verified_invitation.expired',
      targetType: 'verified_invitation',
      targetId: id,
      details: { step: row.state },
    });
    await notifyChange(tx, id);
    return expired;
  });
}

/**
 * Why a step was refused, as the error to answer; the refused attempt is itself audited. Runs after the step's
 * transaction so the audit row survives the refusal.
 */
async function refusal(db: Database, context: AuditContext, id: string, step: string, check?: (row: VerifiedInvitationRow) => void) {
  const row = await readInvitation(db, context, id);
  if (!row) return invitationNotFound();
  let error: FoyerError;
  try {
    check?.(row);
    error = row.state === 'expired' ? expiredError() : row.state === 'aborted' ? abortedError() : stepError(row.state);
  } catch (thrown) {
    if (!(thrown instanceof FoyerError)) throw thrown;
    error = thrown;
  }
  await recordAudit(db, context, {
    action: 'verified_invitation.step_refused',
    targetType: 'verified_invitation',
    targetId: id,
    details: { step, state: row.state, code: error.code },
  });
  return error;
}

type Changes = Partial<Record<keyof VerifiedInvitationRow, unknown>>;

/**
 * The one way an invitation moves: a single conditional UPDATE that succeeds only from the expected states and before
 * the step's deadline, so two instances racing on the same step cannot both win.
 */
async function advance(
  tx: Database,
  context: AuditContext,
  id: string,
  from: readonly VerifiedInvitationState[],
  changes: Changes,
  condition?: SQL,
): Promise<VerifiedInvitationRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await tx
    .update(verifiedInvitations)
    .set({ ...(changes as object), version: sql`${verifiedInvitations.version} + 1` })
    .where(
      and(
        eq(verifiedInvitations.id, id),
        inArray(verifiedInvitations.state, [...from]),
        or(isNull(verifiedInvitations.stepDeadline), sql`${verifiedInvitations.stepDeadline} > ${at(context.now)}`),
        condition,
      ),
    )
    .returning();
  if (row) await notifyChange(tx, id);
  return row;
}

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

const guestHolds = (pass: GuestPass) => eq(verifiedInvitations.guestSecretHash, hashSecret(pass.secret));

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
    await authorizeProposal(tx, actor, details.roleIds, details.groupIds);
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
