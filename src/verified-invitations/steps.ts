import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/index.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';
import { notifyChange } from './changes.js';
import {
  VERIFIED_INVITATION_STATES,
  verifiedInvitations,
  type VerifiedInvitationRow,
  type VerifiedInvitationState,
} from './schema.js';

/**
 * How an invitation moves from step to step, for every side: the deadlines, the refusals, and the one conditional
 * UPDATE each step goes through.
 */

/** The host has this long to greet a guest who opened the link. */
export const GREET_WINDOW_MS = 10 * 60_000;
/** Each code choice must happen within this long of the previous step. */
export const CODE_STEP_MS = 2 * 60_000;
/** The host has this long to confirm the details once both codes are confirmed. */
export const DETAILS_WINDOW_MS = 10 * 60_000;
/** The guest's browser has this long after completion to exchange its cookie for a session. */
export const SIGN_IN_WINDOW_MS = 10 * 60_000;

const TERMINAL_STATES: readonly VerifiedInvitationState[] = ['completed', 'aborted', 'expired'];
export const isTerminal = (state: VerifiedInvitationState) => TERMINAL_STATES.includes(state);
export const LIVE_STATES = VERIFIED_INVITATION_STATES.filter((state) => !isTerminal(state));

/** A timestamp for raw SQL, in one form both drivers read the same way. */
export const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export const invitationNotFound = () => notFound('The invitation');
export const expiredError = () =>
  new FoyerError(410, 'verified_invitation_expired', 'This invitation timed out. Ask the person who invited you for a new one.');
export const abortedError = () =>
  new FoyerError(410, 'verified_invitation_aborted', 'This invitation was stopped and can no longer be used. Ask for a new one.');
const stepError = (state: VerifiedInvitationState) =>
  new FoyerError(409, 'verified_invitation_wrong_step', 'This step is not possible at this point of the invitation.', {
    details: { state },
  });
export const alreadyOpenedError = () =>
  new FoyerError(409, 'verified_invitation_already_opened', 'This invitation link was already opened in another browser. Ask for a new one.');
export const notTheHost = () => new FoyerError(403, 'not_the_host', 'Another administrator is greeting this guest.');
export const wrongCode = () =>
  new FoyerError(409, 'verification_code_wrong', 'That was not the code the other person read out. The invitation was stopped for safety.');

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
export async function refusal(db: Database, context: AuditContext, id: string, step: string, check?: (row: VerifiedInvitationRow) => void) {
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
export async function advance(
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
