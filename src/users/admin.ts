import {
  assignGroups,
  assignRoles,
  authorizeGrants,
  authorizeManaging,
  createUser,
  endAccess,
  eraseAccount,
  groupsOfUsers,
  lockAccount,
  normaliseEmail,
  revokeAccount,
  rolesOfUsers,
  setAccountStatus,
  updateProfile,
  withAdminGuard,
  type AccessEndCause,
  type Actor,
  type Assignment,
  type AssignmentContext,
  type GroupRef,
  type NewUser,
  type ProfileChanges,
  type RoleRef,
  type UserProfile,
  type UserRow,
} from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { endOneSessionOf, endUnusedOneTimeTokens, hashNewPassword } from '../auth/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';

export const accountRevoked = () =>
  new FoyerError(409, 'account_revoked', 'This account was revoked. Revoking cannot be undone; the person can join again as a new account.');

/** Approval belongs to the access request, so it is audited there and the requester gets the approval mail. */
const awaitingApproval = () =>
  new FoyerError(409, 'account_pending_approval', 'This account is awaiting approval: approve or decline its access request instead.');

export const profileChangeRefused = () =>
  new FoyerError(409, 'profile_change_refused', 'A profile cannot be changed from or to External. Create a new account with the other profile instead.', {
    details: { fields: { profile: 'cannot be changed from or to External' } },
  });

const selfActionRefused = (what: string) =>
  new FoyerError(409, 'self_action_refused', `You cannot ${what} your own account. Ask another administrator.`);

export interface AdminNewUser extends Omit<NewUser, 'emailVerified' | 'passwordHash'> {
  /** Omitted: the account is "Pending Setup" until its person sets one. */
  password?: string;
  roleIds: string[];
  groupIds: string[];
}

/**
 * An administrator creates an account directly. Nothing proved the email address yet, so it starts unvalidated;
 * without a password the account is "Pending Setup" until its person sets one.
 */
export async function createUserAsAdmin(db: Database, context: AuditContext, actor: Actor, input: AdminNewUser, config: Config): Promise<UserRow> {
  const { password, ...rest } = input;
  const passwordHash = password === undefined ? undefined : await hashNewPassword(password);
  return db.transaction(async (tx) => {
    const roleIds = [...new Set(input.roleIds)];
    const groupIds = [...new Set(input.groupIds)];
    await authorizeGrants(tx, actor, roleIds, groupIds);
    return createUser(tx, context, { ...rest, passwordHash, roleIds, groupIds, emailVerified: false }, config);
  });
}

export interface UserChanges {
  name?: string;
  email?: string;
  username?: string;
  /** Replaces the roles the user holds directly. */
  roleIds?: string[];
  /** Replaces the groups the user is a member of. */
  groupIds?: string[];
  profile?: UserProfile;
}

export interface Memberships {
  roleIds: string[];
  groupIds: string[];
  profile: UserProfile;
}

export type Outcome = { changed: boolean };

type Change = { from: unknown; to: unknown };

const refs = (items: readonly RoleRef[] | readonly GroupRef[]) => items.map(({ id, name }) => ({ id, name }));
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** The users page records a role or group change as part of `user.updated`: `{from, to}` as names, by name. */
function changeOf(assignment: Assignment<RoleRef> | Assignment<GroupRef>): Change | null {
  if (assignment.added.length + assignment.removed.length === 0) return null;
  const kept = assignment.before.filter((b) => !assignment.removed.some((r) => r.id === b.id));
  return { from: refs(assignment.before), to: [...refs(kept), ...refs(assignment.added)].sort(byName) };
}

/**
 * Edits a user: fields, and the full sets of roles and groups. `changes` may be computed from the user's current
 * memberships (bulk add/remove), read under the same row lock. Runs under the last-administrator guard because
 * taking away a role or group can demote the last administrator.
 */
export async function updateUser(
  db: Database,
  context: AuditContext,
  actor: Actor,
  userId: string,
  changes: UserChanges | ((current: Memberships) => UserChanges),
  config: Config,
): Promise<Outcome> {
  return withAdminGuard(db, async (tx) => {
    const target = await lockAccount(tx, userId);
    const { row } = target;
    if (row.status === 'revoked') throw accountRevoked();
    authorizeManaging(actor, target);
    const current = await currentMemberships(tx, userId);
    const wanted = typeof changes === 'function' ? changes({ ...current, profile: row.profile }) : changes;
    if (wanted.profile !== undefined && wanted.profile !== row.profile) throw profileChangeRefused();

    const details: Record<string, Change> = {};
    const fields: ProfileChanges = {};
    const name = wanted.name?.trim();
    if (name !== undefined && name !== row.name) {
      fields.name = name;
      details.name = { from: row.name, to: name };
    }
    const email = wanted.email === undefined ? undefined : normaliseEmail(wanted.email);
    if (email !== undefined && email !== row.email) {
      fields.email = email;
      // A new address is unproven until its owner follows a link sent to it.
      fields.emailVerifiedAt = null;
      details.email = { from: row.email, to: email };
      if (row.emailVerifiedAt) details.emailVerified = { from: true, to: false };
    }
    const username = wanted.username?.trim();
    if (username !== undefined && username !== row.username) {
      fields.username = username;
      details.username = { from: row.username, to: username };
    }
    if (Object.keys(fields).length > 0) await updateProfile(tx, userId, fields, context.now);
    // A set-password link sent to the old address would otherwise validate the new one.
    if (fields.email !== undefined) await endUnusedOneTimeTokens(tx, userId);

    const assigning: AssignmentContext = { audit: context, config };
    if (wanted.roleIds !== undefined) {
      const change = changeOf(await assignRoles(tx, assigning, actor, userId, wanted.roleIds, { audited: false }));
      if (change) details.roles = change;
    }
    if (wanted.groupIds !== undefined) {
      const change = changeOf(await assignGroups(tx, assigning, actor, userId, wanted.groupIds, { audited: false }));
      if (change) details.groups = change;
    }

    if (Object.keys(details).length === 0) return { changed: false };
    if (Object.keys(fields).length === 0) await updateProfile(tx, userId, {}, context.now);
    await recordAudit(tx, context, { action: 'user.updated', targetType: 'user', targetId: userId, details });
    return { changed: true };
  });
}

async function currentMemberships(tx: Database, userId: string) {
  return {
    roleIds: ((await rolesOfUsers(tx, [userId])).get(userId) ?? []).map((r) => r.id),
    groupIds: ((await groupsOfUsers(tx, [userId])).get(userId) ?? []).map((g) => g.id),
  };
}

/** Ends what the account still holds for `cause`, and names the counts the audit event has always carried. */
async function endAccountAccess(tx: Database, userId: string, cause: AccessEndCause, now: Date, config: Config) {
  const ended = await endAccess(tx, { userId, cause, now, config });
  return { sessionsEnded: ended.sessions ?? 0, apiTokensRevoked: ended.api_tokens ?? 0 };
}

/**
 * Disabling is immediate: every session ends now (and stays ended if the account is enabled again), and API tokens
 * stop because they act only while their creator is active. The account, its data and its history are kept.
 */
export async function disableUser(db: Database, context: AuditContext, actor: Actor, userId: string, config: Config): Promise<Outcome> {
  return withAdminGuard(db, async (tx) => {
    const target = await lockAccount(tx, userId);
    if (target.row.id === actor.user.id) throw selfActionRefused('disable');
    authorizeManaging(actor, target);
    if (target.row.status === 'revoked') throw accountRevoked();
    if (target.row.status === 'pending_approval') throw awaitingApproval();
    if (target.row.status === 'disabled') return { changed: false };
    await setAccountStatus(tx, userId, 'disabled', context.now);
    const { sessionsEnded } = await endAccountAccess(tx, userId, 'disabled', context.now, config);
    await recordAudit(tx, context, {
      action: 'user.disabled',
      targetType: 'user',
      targetId: userId,
      details: { status: { from: target.row.status, to: 'disabled' }, sessionsEnded },
    });
    return { changed: true };
  });
}

export async function enableUser(db: Database, context: AuditContext, actor: Actor, userId: string): Promise<Outcome> {
  return db.transaction(async (tx) => {
    const target = await lockAccount(tx, userId);
    authorizeManaging(actor, target);
    if (target.row.status === 'revoked') throw accountRevoked();
    if (target.row.status === 'pending_approval') throw awaitingApproval();
    if (target.row.status === 'active') return { changed: false };
    await setAccountStatus(tx, userId, 'active', context.now);
    await recordAudit(tx, context, {
      action: 'user.enabled',
      targetType: 'user',
      targetId: userId,
      details: { status: { from: target.row.status, to: 'active' } },
    });
    return { changed: true };
  });
}

/**
 * Revoking is final: the account can never be enabled again. It gives up its email and username (the originals stay
 * in the audit event) so the person can later join again as a new account; name, roles and history are kept.
 */
export async function revokeUser(db: Database, context: AuditContext, actor: Actor, userId: string, config: Config): Promise<Outcome> {
  return withAdminGuard(db, async (tx) => {
    const target = await lockAccount(tx, userId);
    const { row } = target;
    if (row.id === actor.user.id) throw selfActionRefused('revoke');
    authorizeManaging(actor, target);
    if (row.status === 'revoked') return { changed: false };
    const tombstone = await revokeAccount(tx, userId, context.now);
    const ended = await endAccountAccess(tx, userId, 'revoked', context.now, config);
    await recordAudit(tx, context, {
      action: 'user.revoked',
      targetType: 'user',
      targetId: userId,
      details: {
        status: { from: row.status, to: 'revoked' },
        email: { from: row.email, to: tombstone.email },
        username: { from: row.username, to: tombstone.username },
        ...ended,
      },
    });
    return { changed: true };
  });
}

/**
 * Deleting removes the person's data but keeps a pseudonymous row, so the audit events that name the account still
 * resolve (to "Deleted user"). The deletion event itself records no personal data.
 */
export async function deleteUser(db: Database, context: AuditContext, actor: Actor, userId: string, config: Config): Promise<void> {
  await withAdminGuard(db, async (tx) => {
    const target = await lockAccount(tx, userId);
    const { row } = target;
    if (row.id === actor.user.id) throw selfActionRefused('delete');
    authorizeManaging(actor, target);
    // Access ends first, so every holder hears why ("deleted"), not the membership removals that follow.
    const ended = await endAccountAccess(tx, userId, 'deleted', context.now, config);
    // Managing the account already proved the actor outranks it, so taking its roles needs no further check.
    const assigning: AssignmentContext = { audit: context, config };
    const roles = await assignRoles(tx, assigning, null, userId, [], { audited: false });
    const groups = await assignGroups(tx, assigning, null, userId, [], { audited: false });
    await eraseAccount(tx, row, context.now);
    await recordAudit(tx, context, {
      action: 'user.deleted',
      targetType: 'user',
      targetId: userId,
      details: {
        erased: ['name', 'email', 'username', 'password'],
        roles: { from: refs(roles.before), to: [] },
        groups: { from: refs(groups.before), to: [] },
        ...ended,
      },
    });
  });
}

/** Ends one session of a user, or all of them when `sessionId` is omitted; returns how many ended. */
export async function endUserSessions(
  db: Database,
  context: AuditContext,
  actor: Actor,
  userId: string,
  config: Config,
  sessionId?: string,
): Promise<number> {
  return db.transaction(async (tx) => {
    const target = await lockAccount(tx, userId);
    authorizeManaging(actor, target);
    if (sessionId === undefined) {
      const { sessionsEnded } = await endAccountAccess(tx, userId, 'sessions_ended_by_admin', context.now, config);
      if (sessionsEnded > 0) {
        await recordAudit(tx, context, { action: 'user.sessions_ended', targetType: 'user', targetId: userId, details: { sessionsEnded } });
      }
      return sessionsEnded;
    }
    await endOneSessionOf(tx, userId, sessionId);
    await recordAudit(tx, context, { action: 'user.session_ended', targetType: 'user', targetId: userId, details: { sessionId } });
    return 1;
  });
}
