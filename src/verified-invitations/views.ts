import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { isoDate, isoOrNull } from '../platform/http.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { users } from '../accounts/index.js';
import { isTerminal } from './steps.js';
import { VERIFIED_INVITATION_STATES, verifiedInvitations, type VerifiedInvitationRow, type VerifiedInvitationState } from './schema.js';

const personRef = z.object({ id: z.string(), name: z.string() });

const CODE_STATES: readonly VerifiedInvitationState[] = ['greeted', 'guest_confirmed', 'host_confirmed'];
const guestHasConfirmed = (state: VerifiedInvitationState) => ['guest_confirmed', 'details', 'completed'].includes(state);
const hostHasConfirmed = (state: VerifiedInvitationState) => ['host_confirmed', 'details', 'completed'].includes(state);

export const guestInvitationSchema = z
  .object({
    id: z.string(),
    state: z.enum(VERIFIED_INVITATION_STATES),
    invitedBy: z.string().nullable().describe('The name of the administrator who created the invitation'),
    hostName: z.string().nullable().describe('The name of the administrator greeting the guest, once greeted'),
    code: z.string().nullable().describe('The code the guest reads out to the host, during the code steps'),
    choices: z.array(z.string()).nullable().describe('The four codes to pick the host’s code from, until the guest picked'),
    guestConfirmed: z.boolean(),
    hostConfirmed: z.boolean(),
    stepDeadline: z.string().nullable(),
    abortReason: z.string().nullable(),
    canSignIn: z.boolean().describe('The account exists and this browser may now exchange its pass for a session'),
  })
  .meta({ id: 'GuestVerifiedInvitation' });

export const hostInvitationSchema = z
  .object({
    id: z.string(),
    state: z.enum(VERIFIED_INVITATION_STATES),
    createdAt: z.string(),
    expiresAt: z.string(),
    createdBy: personRef.nullable(),
    host: personRef.nullable(),
    proposal: z.object({
      name: z.string().nullable(),
      email: z.string().nullable(),
      roleIds: z.array(z.string()),
      groupIds: z.array(z.string()),
    }),
    code: z.string().nullable().describe('The code the host reads out to the guest; only the greeting host sees it'),
    choices: z.array(z.string()).nullable().describe('The four codes to pick the guest’s code from; only for the greeting host'),
    guestConfirmed: z.boolean(),
    hostConfirmed: z.boolean(),
    stepDeadline: z.string().nullable(),
    abortReason: z.string().nullable(),
    userId: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .meta({ id: 'HostVerifiedInvitation' });

export type GuestInvitation = z.infer<typeof guestInvitationSchema>;
export type HostInvitation = z.infer<typeof hostInvitationSchema>;

async function namesOf(db: Database, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

const ref = (names: Map<string, string>, id: string | null) => (id && names.has(id) ? { id, name: names.get(id)! } : null);

export async function guestView(db: Database, row: VerifiedInvitationRow, now: Date): Promise<GuestInvitation> {
  const names = await namesOf(db, [row.createdBy, row.hostId]);
  const inCodes = CODE_STATES.includes(row.state);
  return {
    id: row.id,
    state: row.state,
    invitedBy: ref(names, row.createdBy)?.name ?? null,
    hostName: ref(names, row.hostId)?.name ?? null,
    code: inCodes ? row.guestCode : null,
    choices: inCodes && !guestHasConfirmed(row.state) ? row.guestChoices : null,
    guestConfirmed: guestHasConfirmed(row.state),
    hostConfirmed: hostHasConfirmed(row.state),
    stepDeadline: row.state === 'completed' ? null : isoOrNull(row.stepDeadline),
    abortReason: row.abortReason,
    canSignIn:
      row.state === 'completed' && row.guestSignedInAt === null && row.guestSecretHash !== null && (row.stepDeadline ?? now) > now,
  };
}

function hostViewOf(row: VerifiedInvitationRow, names: Map<string, string>, viewerId: string): HostInvitation {
  const isHost = row.hostId === viewerId && CODE_STATES.includes(row.state);
  return {
    id: row.id,
    state: row.state,
    createdAt: isoDate(row.createdAt),
    expiresAt: isoDate(row.expiresAt),
    createdBy: ref(names, row.createdBy),
    host: ref(names, row.hostId),
    proposal: row.proposal,
    code: isHost ? row.hostCode : null,
    choices: isHost && !hostHasConfirmed(row.state) ? row.hostChoices : null,
    guestConfirmed: guestHasConfirmed(row.state),
    hostConfirmed: hostHasConfirmed(row.state),
    stepDeadline: row.state === 'completed' ? null : isoOrNull(row.stepDeadline),
    abortReason: row.abortReason,
    userId: row.userId,
    endedAt: isoOrNull(row.endedAt),
  };
}

export async function hostView(db: Database, row: VerifiedInvitationRow, viewerId: string): Promise<HostInvitation> {
  return hostViewOf(row, await namesOf(db, [row.createdBy, row.hostId]), viewerId);
}

const cursorShape = z.tuple([z.iso.datetime(), z.uuid()]);

/**
 * Newest first. Rows past their step's deadline read as expired: the list does not write, and the next step or page
 * that touches such an invitation records the expiry.
 */
export async function listInvitations(db: Database, viewerId: string, now: Date, page: { limit: number; cursor?: string }) {
  const after = decodeCursor(page.cursor, cursorShape);
  const t = verifiedInvitations;
  const rows = await db
    .select()
    .from(t)
    .where(after ? or(lt(t.createdAt, new Date(after[0])), and(eq(t.createdAt, new Date(after[0])), lt(t.id, after[1]))) : undefined)
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(page.limit + 1);
  const names = await namesOf(db, rows.flatMap((r) => [r.createdBy, r.hostId]));
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.createdAt.toISOString(), r.id]);
  const overdue = (r: VerifiedInvitationRow) => !isTerminal(r.state) && r.stepDeadline !== null && r.stepDeadline <= now;
  return {
    items: items.map((r) => hostViewOf(overdue(r) ? { ...r, state: 'expired', stepDeadline: null } : r, names, viewerId)),
    nextCursor,
  };
}
