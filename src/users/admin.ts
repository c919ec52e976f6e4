import { and, eq, inArray, isNull } from 'drizzle-orm';
import { endAccess, membershipChanged } from '../accounts/index.js';
import { apiTokens } from '../api-tokens/schema.js';
import { recordAudit, type AuditContext } from '../audit/record.js';
import { authorizeGrant, userPermissions, type Actor } from '../auth/actor.js';
import { oneTimeTokens } from '../auth/one-time-tokens/schema.js';
import { sessions } from '../auth/sessions/schema.js';
import { groupMembers } from '../groups/schema.js';
import { groupsByIds } from '../groups/service.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { userRoles } from '../roles/schema.js';
import { ssoIdentities } from '../sso/schema.js';
import { rolesByIds } from '../roles/service.js';
import { withAdminGuard } from './admin-guard.js';
import { users, type UserProfile, type UserRow } from './schema.js';
import {
  assertIdentityFree,
  createUser,
  groupsOfUsers,
  identityClash,
  normaliseEmail,
  rolesOfUsers,
  type GroupRef,
  type NewUser,
  type RoleRef,
} from './service.js';
import { isUuid } from '../platform/ids.js';

/** The name a deleted account keeps, so audit events that mention it still read as a person. */
export const DELETED_USER_NAME = 'Deleted user';

/**
 * Revoked and deleted accounts give up their email and username, so the person can join again as a new account.
 * The `.invalid` top-level domain is reserved: these addresses can never receive mail or clash with a real one.
 */
export const tombstoneOf = (kind: 'revoked' | 'deleted', userId: string) => ({
  email: `${kind}+${userId}@invalid`,
  username: `${kind}-${userId}`,
});

export const userNotFound = () => notFound('The user');

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

interface LockedUser {
  row: UserRow;
  permissions: string[];
}

/**
 * Reads an undeleted user and locks their row until the transaction ends, so concurrent actions on the same person
 * take turns and each one decides on what the other left behind.
 */
async function lockUser(tx: Database, userId: string): Promise<LockedUser> {
  if (!isUuid(userId)) throw userNotFound();
  const [found] = await tx
    .select({ row: users, permissions: userPermissions })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .for('update', { of: users });
  if (!found) throw userNotFound();
  return found;
}

/**
 * Changing someone's email, status or sessions is a way into their account, so nobody may act on an account that
 * holds permissions they do not hold themselves: that would be privilege escalation by taking the account over.
 */
export function authorizeManaging(actor: Actor, target: LockedUser): void {
  const missing = target.permissions.filter((p) => !actor.permissions.has(p));
  if (missing.length > 0) {
    throw new FoyerError(403, 'forbidden', 'You cannot change an account that holds permissions you do not hold yourself.', {
      details: { missingPermissions: [...new Set(missing)].sort() },
    });
  }
}

interface Grantable {
  id: string;
  name: string;
  permissions: string[];
}

/** The roles with these ids and what they grant; 400 naming `field` when one does not exist. */
export const rolesById = (db: Database, ids: string[], field = 'roleIds'): Promise<Grantable[]> => rolesByIds(db, ids, field);

/** The groups with these ids and what membership grants (the union of their roles); 400 naming `field` when one does not exist. */
export async function groupsById(db: Database, ids: string[], field = 'groupIds'): Promise<Grantable[]> {
  const found = await groupsByIds(db, ids, field);
  return found.map((g) => ({ id: g.id, name: g.name, permissions: g.roles.flatMap((r) => r.permissions) }));
}

const permissionsOf = (...sets: Grantable[][]) => sets.flat().flatMap((g) => g.permissions);

export interface AdminNewUser extends Omit<NewUser, 'emailVerified'> {
  roleIds: string[];
  groupIds: string[];
}

/**
 * An administrator creates an account directly. Nothing proved the email address yet, so it starts unvalidated;
 * without a password the account is "Pending Setup" until its person sets one.
 */
export async function createUserAsAdmin(db: Database, context: AuditContext, actor: Actor, input: AdminNewUser): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const roleIds = [...new Set(input.roleIds)];
    const groupIds = [...new Set(input.groupIds)];
    authorizeGrant(actor, permissionsOf(await rolesById(tx, roleIds), await groupsById(tx, groupIds)));
    return createUser(tx, context, { ...input, roleIds, groupIds, emailVerified: false });
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
    const target = await lockUser(tx, userId);
    const { row } = target;
    if (row.status === 'revoked') throw accountRevoked();
    authorizeManaging(actor, target);
    const currentRoles = (await rolesOfUsers(tx, [userId])).get(userId) ?? [];
    const currentGroups = (await groupsOfUsers(tx, [userId])).get(userId) ?? [];
    const wanted =
      typeof changes === 'function'
        ? changes({ roleIds: currentRoles.map((r) => r.id), groupIds: currentGroups.map((g) => g.id), profile: row.profile })
        : changes;
    if (wanted.profile !== undefined && wanted.profile !== row.profile) throw profileChangeRefused();

    const details: Record<string, Change> = {};
    const fields: Partial<Pick<UserRow, 'name' | 'email' | 'username' | 'emailVerifiedAt'>> = {};
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
    if (Object.keys(fields).length > 0) {
      await assertIdentityFree(tx, { email: fields.email, username: fields.username }, userId);
      try {
        await tx.update(users).set({ ...fields, updatedAt: context.now }).where(eq(users.id, userId));
      } catch (error) {
        throw identityClash(error);
      }
    }
    if (fields.email !== undefined) {
      // A set-password link sent to the old address would otherwise validate the new one.
      await tx.delete(oneTimeTokens).where(and(eq(oneTimeTokens.userId, userId), isNull(oneTimeTokens.usedAt)));
    }

    if (wanted.roleIds !== undefined) {
      const change = await replaceRoles(tx, actor, userId, currentRoles, wanted.roleIds);
      if (change) details.roles = change;
    }
    if (wanted.groupIds !== undefined) {
      const change = await replaceGroups(tx, actor, userId, currentGroups, wanted.groupIds, context.now);
      if (change) details.groups = change;
      if (change) await membershipChanged(tx, { userIds: [userId], now: context.now, config });
    }

    if (Object.keys(details).length === 0) return { changed: false };
    if (Object.keys(fields).length === 0) await tx.update(users).set({ updatedAt: context.now }).where(eq(users.id, userId));
    await recordAudit(tx, context, { action: 'user.updated', targetType: 'user', targetId: userId, details });
    return { changed: true };
  });
}

async function replaceRoles(tx: Database, actor: Actor, userId: string, current: RoleRef[], wantedIds: string[]): Promise<Change | null> {
  const wanted = new Set(wantedIds);
  const removed = current.filter((r) => !wanted.has(r.id));
  const added = await rolesById(tx, [...wanted].filter((id) => !current.some((r) => r.id === id)));
  if (added.length === 0 && removed.length === 0) return null;
  const removedRoles = await rolesById(tx, removed.map((r) => r.id));
  authorizeGrant(actor, permissionsOf(added, removedRoles));
  if (removed.length > 0) {
    await tx.delete(userRoles).where(and(eq(userRoles.userId, userId), inArray(userRoles.roleId, removed.map((r) => r.id))));
  }
  if (added.length > 0) await tx.insert(userRoles).values(added.map((r) => ({ userId, roleId: r.id })));
  const after = [...current.filter((r) => wanted.has(r.id)), ...added.map(({ id, name }) => ({ id, name }))];
  return { from: current, to: after.sort(byName) };
}

async function replaceGroups(
  tx: Database,
  actor: Actor,
  userId: string,
  current: GroupRef[],
  wantedIds: string[],
  now: Date,
): Promise<Change | null> {
  const wanted = new Set(wantedIds);
  const removed = current.filter((g) => !wanted.has(g.id));
  const added = await groupsById(tx, [...wanted].filter((id) => !current.some((g) => g.id === id)));
  if (added.length === 0 && removed.length === 0) return null;
  const removedGroups = await groupsById(tx, removed.map((g) => g.id));
  authorizeGrant(actor, permissionsOf(added, removedGroups));
  if (removed.length > 0) {
    await tx.delete(groupMembers).where(and(eq(groupMembers.userId, userId), inArray(groupMembers.groupId, removed.map((g) => g.id))));
  }
  if (added.length > 0) await tx.insert(groupMembers).values(added.map((g) => ({ groupId: g.id, userId, addedAt: now })));
  const after = [...current.filter((g) => wanted.has(g.id)), ...added.map(({ id, name }) => ({ id, name }))];
  return { from: current, to: after.sort(byName) };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

async function endAllSessions(tx: Database, userId: string): Promise<number> {
  const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  return ended.length;
}

/** Stops every credential of an account that will never be active again: sessions, links and API tokens. */
async function endAllAccess(tx: Database, userId: string, now: Date) {
  const sessionsEnded = await endAllSessions(tx, userId);
  await tx.delete(oneTimeTokens).where(and(eq(oneTimeTokens.userId, userId), isNull(oneTimeTokens.usedAt)));
  const tokens = await tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.createdBy, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return { sessionsEnded, apiTokensRevoked: tokens.length };
}

/**
 * Disabling is immediate: every session ends now (and stays ended if the account is enabled again), and API tokens
 * stop because they act only while their creator is active. The account, its data and its history are kept.
 */
export async function disableUser(db: Database, context: AuditContext, actor: Actor, userId: string, config: Config): Promise<Outcome> {
  return withAdminGuard(db, async (tx) => {
    const target = await lockUser(tx, userId);
    if (target.row.id === actor.user.id) throw selfActionRefused('disable');
    authorizeManaging(actor, target);
    if (target.row.status === 'revoked') throw accountRevoked();
    if (target.row.status === 'pending_approval') throw awaitingApproval();
    if (target.row.status === 'disabled') return { changed: false };
    await tx.update(users).set({ status: 'disabled', updatedAt: context.now }).where(eq(users.id, userId));
    const sessionsEnded = await endAllSessions(tx, userId);
    await endAccess(tx, { userId, cause: 'disabled', now: context.now, config });
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
    const target = await lockUser(tx, userId);
    authorizeManaging(actor, target);
    if (target.row.status === 'revoked') throw accountRevoked();
    if (target.row.status === 'pending_approval') throw awaitingApproval();
    if (target.row.status === 'active') return { changed: false };
    await tx.update(users).set({ status: 'active', updatedAt: context.now }).where(eq(users.id, userId));
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
    const target = await lockUser(tx, userId);
    const { row } = target;
    if (row.id === actor.user.id) throw selfActionRefused('revoke');
    authorizeManaging(actor, target);
    if (row.status === 'revoked') return { changed: false };
    const tombstone = tombstoneOf('revoked', userId);
    await tx
      .update(users)
      .set({ status: 'revoked', ...tombstone, updatedAt: context.now })
      .where(eq(users.id, userId));
    const ended = await endAllAccess(tx, userId, context.now);
    await endAccess(tx, { userId, cause: 'revoked', now: context.now, config });
    // The person may join again as a new account, also through the same single sign-on identity.
    await tx.delete(ssoIdentities).where(eq(ssoIdentities.userId, userId));
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
    const target = await lockUser(tx, userId);
    const { row } = target;
    if (row.id === actor.user.id) throw selfActionRefused('delete');
    authorizeManaging(actor, target);
    const heldRoles = (await rolesOfUsers(tx, [userId])).get(userId) ?? [];
    const heldGroups = (await groupsOfUsers(tx, [userId])).get(userId) ?? [];
    await tx
      .update(users)
      .set({
        name: DELETED_USER_NAME,
        ...tombstoneOf('deleted', userId),
        passwordHash: null,
        emailVerifiedAt: null,
        // Deleted accounts are never active, so every check that reads the status refuses them too.
        status: row.status === 'active' ? 'disabled' : row.status,
        deletedAt: context.now,
        updatedAt: context.now,
      })
      .where(eq(users.id, userId));
    await tx.delete(userRoles).where(eq(userRoles.userId, userId));
    await tx.delete(groupMembers).where(eq(groupMembers.userId, userId));
    await tx.delete(ssoIdentities).where(eq(ssoIdentities.userId, userId));
    const ended = await endAllAccess(tx, userId, context.now);
    await endAccess(tx, { userId, cause: 'deleted', now: context.now, config });
    await recordAudit(tx, context, {
      action: 'user.deleted',
      targetType: 'user',
      targetId: userId,
      details: {
        erased: ['name', 'email', 'username', 'password'],
        roles: { from: heldRoles, to: [] },
        groups: { from: heldGroups, to: [] },
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
  sessionId?: string,
): Promise<number> {
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    authorizeManaging(actor, target);
    if (sessionId === undefined) {
      const sessionsEnded = await endAllSessions(tx, userId);
      if (sessionsEnded > 0) {
        await recordAudit(tx, context, { action: 'user.sessions_ended', targetType: 'user', targetId: userId, details: { sessionsEnded } });
      }
      return sessionsEnded;
    }
    const [ended] = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
      .returning({ id: sessions.id });
    if (!ended) throw notFound('The session');
    await recordAudit(tx, context, { action: 'user.session_ended', targetType: 'user', targetId: userId, details: { sessionId } });
    return 1;
  });
}
