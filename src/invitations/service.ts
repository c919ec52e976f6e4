import { and, eq, isNull, sql } from 'drizzle-orm';
import {
  addMemberships,
  authorizeGrants,
  createUser,
  grantRoles,
  markEmailVerified,
  stillExisting,
  users,
  type Actor,
  type UserProfile,
} from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { assertMailConfigured, enqueueMail } from '../mail/index.js';
import { hashSecret, randomSecret } from '../platform/crypto.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import type { AppDeps } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { invitations, type InvitationRow } from './schema.js';
import { readInvitationSettings } from './settings.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What happened to the invitation email: `blocked` when the address is outside the allowed domains. */
export type InvitationMail = 'queued' | 'blocked' | 'not_sent';

export interface InviteInput {
  name: string;
  email: string;
  /** Derived from the email address when omitted. */
  username?: string;
  /**
   * Set by the administrator, hashed before the caller's transaction (`hashNewPassword`): the account can sign in
   * with it at once. Without one the account is Pending Setup.
   */
  passwordHash?: string;
  roleIds: string[];
  groupIds: string[];
  profile?: UserProfile;
  sendEmail: boolean;
  /** Who hands out the roles and groups; null when Foyer itself acts on a grant authorised earlier. */
  actor: Actor | null;
  /** An approved access request: the mail says so instead of naming an inviter, since the person asked. */
  approvedRequest?: boolean;
}

export interface InviteResult {
  userId: string;
  invitationId: string;
  mail: InvitationMail;
  /** Why the mail was not sent, in words, when it was blocked. */
  mailReason: string | null;
  /** The invitation link, for the administrator to hand over themselves. Only ever returned here. */
  link: string;
  expiresAt: Date;
}

type MailDeps = Pick<AppDeps, 'config'>;

export const invitationPath = (token: string) => `/invitation?token=${token}`;

/** A username nobody holds yet, from the part of the email before the @: `ann.lee@x` → `ann.lee`, then `ann.lee-2`… */
async function freeUsernameFor(db: Database, email: string): Promise<string> {
  const local = email.slice(0, email.lastIndexOf('@')).replace(/[^a-zA-Z0-9._-]/g, '').slice(0, 56);
  const base = local.length >= 2 ? local : `user${local}`;
  for (let n = 1; n <= 20; n += 1) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const [taken] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = lower(${candidate})`).limit(1);
    if (!taken) return candidate;
  }
  return `${base}-${randomSecret().slice(0, 6).toLowerCase()}`;
}

async function newInvitationLink(db: Database, ttlDays?: number) {
  const token = randomSecret();
  const days = ttlDays ?? (await readInvitationSettings(db)).invitationTtlDays;
  return { token, tokenHash: hashSecret(token), path: invitationPath(token), days };
}

/** The name the invitation mail gives its sender: whoever invited, else whoever acts now, else the role. */
async function inviterName(tx: Database, ...candidates: (string | null | undefined)[]): Promise<string> {
  for (const id of candidates) {
    if (!id || !isUuid(id)) continue;
    const [row] = await tx.select({ name: users.name }).from(users).where(eq(users.id, id));
    if (row) return row.name;
  }
  return 'An administrator';
}

const actingUser = (context: AuditContext) => (context.actorType === 'user' ? context.actorId : null);

async function mailInvitation(
  tx: Database,
  deps: MailDeps,
  to: { name: string; email: string },
  link: { path: string; expiresAt: Date; invitedBy: string | null },
): Promise<{ mail: InvitationMail; mailReason: string | null }> {
  const data = { name: to.name, link: link.path, expiresAt: link.expiresAt, invitedBy: link.invitedBy };
  const enqueued = await enqueueMail(tx, deps.config, { to: to.email, template: 'invitation', data });
  return { mail: enqueued.status, mailReason: enqueued.reason };
}

/**
 * Invites someone (seeds 002, 004): creates their account — Pending Setup unless a password is given — with the roles
 * and groups, records the invitation (which single sign-on reads again through `claimInvitationForSso`), issues its
 * link and, when asked, queues the invitation email. Runs in the caller's transaction; call `wakeMailWorkers()` after
 * the commit. With `sendEmail` in production, refuses with 409 `mail_not_configured` when mail goes nowhere.
 */
export async function inviteUser(tx: Database, context: AuditContext, deps: MailDeps, input: InviteInput): Promise<InviteResult> {
  if (input.sendEmail) await assertMailConfigured(tx, deps.config);
  const roleIds = [...new Set(input.roleIds)];
  const groupIds = [...new Set(input.groupIds)];
  await authorizeGrants(tx, input.actor, roleIds, groupIds);
  const user = await createUser(tx, context, {
    name: input.name,
    email: input.email,
    username: input.username ?? (await freeUsernameFor(tx, input.email)),
    passwordHash: input.passwordHash,
    roleIds,
    groupIds,
    profile: input.profile,
    emailVerified: false,
  }, deps.config);
  const link = await newInvitationLink(tx);
  const expiresAt = new Date(context.now.getTime() + link.days * DAY_MS);
  const [invitation] = await tx
    .insert(invitations)
    .values({
      userId: user.id,
      email: user.email,
      roleIds,
      groupIds,
      invitedBy: context.actorType === 'user' ? context.actorId : (input.actor?.user.id ?? null),
      tokenHash: link.tokenHash,
      createdAt: context.now,
      sentAt: input.sendEmail ? context.now : null,
      expiresAt,
    })
    .returning({ id: invitations.id });
  const invitedBy = input.approvedRequest ? null : await inviterName(tx, input.actor?.user.id, actingUser(context));
  const sent = input.sendEmail
    ? await mailInvitation(tx, deps, user, { path: link.path, expiresAt, invitedBy })
    : { mail: 'not_sent' as const, mailReason: null };
  await recordAudit(tx, context, {
    action: 'invitation.created',
    targetType: 'user',
    targetId: user.id,
    details: { invitationId: invitation!.id, email: user.email, roleIds, groupIds, mail: sent.mail, expiresAt: expiresAt.toISOString() },
  });
  return {
    userId: user.id,
    invitationId: invitation!.id,
    ...sent,
    link: new URL(link.path, deps.config.publicUrl).toString(),
    expiresAt,
  };
}

export const invitationNotFound = () => notFound('The invitation');

const emailAlreadyVerified = () =>
  new FoyerError(
    409,
    'email_already_verified',
    'This person has already confirmed their email address, so there is nothing to invite them to. They can use "Forgot password" on the sign-in page.',
  );

const accountNotActive = () =>
  new FoyerError(409, 'account_not_active', 'This account is not active. Enable it before sending an invitation.');

/**
 * Sends an open invitation again with a fresh link: the old link stops working in the same statement. Only while the
 * person has not confirmed their email (seed 002); afterwards they use Forgot password. The invitation row is locked,
 * so two resends cannot both leave a working link.
 */
async function resendLocked(tx: Database, context: AuditContext, deps: MailDeps, invitation: InvitationRow) {
  const [user] = await tx
    .select({ name: users.name, email: users.email, status: users.status, emailVerifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.id, invitation.userId))
    .for('update');
  if (!user) throw invitationNotFound();
  if (user.emailVerifiedAt) throw emailAlreadyVerified();
  if (user.status !== 'active') throw accountNotActive();
  await assertMailConfigured(tx, deps.config);
  const link = await newInvitationLink(tx);
  const expiresAt = new Date(context.now.getTime() + link.days * DAY_MS);
  // The address may have been corrected since: the invitation follows the account.
  await tx
    .update(invitations)
    .set({ tokenHash: link.tokenHash, expiresAt, sentAt: context.now, email: user.email })
    .where(eq(invitations.id, invitation.id));
  const invitedBy = await inviterName(tx, invitation.invitedBy, actingUser(context));
  const sent = await mailInvitation(tx, deps, user, { path: link.path, expiresAt, invitedBy });
  await recordAudit(tx, context, {
    action: 'invitation.resent',
    targetType: 'user',
    targetId: invitation.userId,
    details: { invitationId: invitation.id, email: user.email, mail: sent.mail, expiresAt: expiresAt.toISOString() },
  });
  return { invitationId: invitation.id, userId: invitation.userId, ...sent, expiresAt };
}

async function lockOpenInvitation(tx: Database, where: ReturnType<typeof eq>) {
  const [row] = await tx
    .select()
    .from(invitations)
    .where(and(where, isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .for('update');
  return row;
}

export async function resendInvitation(db: Database, context: AuditContext, deps: MailDeps, invitationId: string) {
  if (!isUuid(invitationId)) throw invitationNotFound();
  return db.transaction(async (tx) => {
    const open = await lockOpenInvitation(tx, eq(invitations.id, invitationId));
    if (!open) throw invitationNotFound();
    return resendLocked(tx, context, deps, open);
  });
}

/**
 * "Send invite" on a user's row (seed 002): resends their open invitation, or opens one for an account created
 * without (directly, by CSV import). Refused once the email is confirmed.
 */
export async function sendInviteToUser(db: Database, context: AuditContext, deps: MailDeps, userId: string) {
  if (!isUuid(userId)) throw notFound('The user');
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .for('update');
    if (!user) throw notFound('The user');
    if (user.emailVerifiedAt) throw emailAlreadyVerified();
    const open = await lockOpenInvitation(tx, eq(invitations.userId, userId));
    if (open) return resendLocked(tx, context, deps, open);
    if (user.status !== 'active') throw accountNotActive();
    await assertMailConfigured(tx, deps.config);
    const link = await newInvitationLink(tx);
    const expiresAt = new Date(context.now.getTime() + link.days * DAY_MS);
    const [invitation] = await tx
      .insert(invitations)
      .values({
        userId,
        email: user.email,
        invitedBy: context.actorType === 'user' ? context.actorId : null,
        tokenHash: link.tokenHash,
        createdAt: context.now,
        sentAt: context.now,
        expiresAt,
      })
      .returning({ id: invitations.id });
    const sent = await mailInvitation(tx, deps, user, { path: link.path, expiresAt, invitedBy: await inviterName(tx, actingUser(context)) });
    await recordAudit(tx, context, {
      action: 'invitation.created',
      targetType: 'user',
      targetId: userId,
      details: { invitationId: invitation!.id, email: user.email, roleIds: [], groupIds: [], mail: sent.mail, expiresAt: expiresAt.toISOString() },
    });
    return { invitationId: invitation!.id, userId, ...sent, expiresAt };
  });
}

/** Withdraws an open invitation: its link stops working at once. The account it created stays (delete it separately). */
export async function revokeInvitation(db: Database, context: AuditContext, invitationId: string): Promise<void> {
  if (!isUuid(invitationId)) throw invitationNotFound();
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: context.now })
      .where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!row) {
      const [existing] = await tx.select({ id: invitations.id }).from(invitations).where(eq(invitations.id, invitationId));
      if (!existing) throw invitationNotFound();
      throw new FoyerError(409, 'invitation_closed', 'This invitation was already accepted or withdrawn.');
    }
    await recordAudit(tx, context, {
      action: 'invitation.revoked',
      targetType: 'user',
      targetId: row.userId,
      details: { invitationId: row.id, email: row.email },
    });
  });
}

/**
 * First single sign-on of an invited person (seed 004): the provider proved the invited address, so the invitation
 * is accepted, the address confirmed, and its pre-assigned roles and groups (those that still exist) are held.
 * Runs in the caller's transaction. Returns null when the account has no open invitation for that address.
 */
export async function claimInvitationForSso(
  tx: Database,
  context: AuditContext,
  input: { userId: string; email: string },
  config: Config,
): Promise<{ invitationId: string; roleIds: string[]; groupIds: string[] } | null> {
  const [claimed] = await tx
    .update(invitations)
    .set({ acceptedAt: context.now, acceptedVia: 'sso' })
    .where(
      and(
        eq(invitations.userId, input.userId),
        sql`lower(${invitations.email}) = lower(${input.email.trim()})`,
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning();
  if (!claimed) return null;
  // The grant itself was authorised when inviting.
  const { roleIds, groupIds } = await stillExisting(tx, claimed);
  const addedRoles = await grantRoles(tx, input.userId, roleIds);
  const addedGroups = await addMemberships(tx, { audit: context, config }, groupIds.map((groupId) => ({ groupId, userId: input.userId })));
  await markEmailVerified(tx, input.userId, context.now, { keepEarlier: true });
  const result = {
    invitationId: claimed.id,
    roleIds: addedRoles,
    groupIds: addedGroups.map((m) => m.groupId),
  };
  await recordAudit(tx, context, { action: 'invitation.claimed_by_sso', targetType: 'user', targetId: input.userId, details: result });
  return result;
}
