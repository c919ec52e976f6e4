import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { membershipChanged } from './access.js';
import { recordAccountChange, type AuditContext } from './audit-trail.js';
import { withAdminGuard } from './admin-guard.js';
import { groupsByIds, isForeignKeyViolation, rolesByIds, rolesOfGroups, unknownIds, type GroupWithRoles } from './directory.js';
import { lockAccount } from './lock.js';
import { authorizeRoleChange, type Grantor } from './permissions.js';
import { groupMembers, groups, roles, userRoles, type RoleRow } from './schema.js';

/**
 * The one way roles and group memberships change. Every screen and flow that gives or takes them (the users page and
 * its bulk change, the groups page, sign-up links, invitations, verified invitations, approvals, new accounts) comes
 * through here, so the rules hold everywhere: nobody hands out or takes away more than they hold, the last
 * administrator stays, and whoever listens to membership changes hears of every one.
 */

export interface AssignmentContext {
  audit: AuditContext;
  config: Config;
}

export interface Assignment<T> {
  /** What the account held before, by name. */
  before: T[];
  /** What it holds now, in the order asked for. */
  held: T[];
  added: T[];
  removed: T[];
}

export interface AssignOptions {
  /**
   * Whether this change is its own audit event (`user.roles_changed` / `user.groups_changed`, `{from, to}` ids).
   * A caller that records the change inside its own event (the users page's `user.updated`) says false.
   */
  audited?: boolean;
}

const changed = <T>(a: Assignment<T>) => a.added.length + a.removed.length > 0;

/** Only taking something away can remove an administrator; the guard's lock is not worth taking otherwise. */
const guardedIfRemoving = <T>(tx: Database, removing: boolean, change: (tx: Database) => Promise<T>) =>
  removing ? withAdminGuard(tx, change) : change(tx);

/**
 * Sets exactly which roles an account holds directly (roles through groups are untouched). Validates the ids (400
 * naming `roleIds`), locks the account, checks the actor may hand out and take away those roles and refuses to remove
 * the last active administrator. Call inside the transaction of the surrounding change.
 */
export async function assignRoles(
  tx: Database,
  context: AssignmentContext,
  actor: Grantor | null,
  userId: string,
  roleIds: readonly string[],
  options: AssignOptions = {},
): Promise<Assignment<RoleRow>> {
  const held = await rolesByIds(tx, roleIds);
  await lockAccount(tx, userId);
  const before = await tx
    .select({ role: roles })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(eq(userRoles.userId, userId))
    .orderBy(roles.name)
    .then((rows) => rows.map((r) => r.role));
  const assignment = {
    before,
    held,
    added: held.filter((r) => !before.some((b) => b.id === r.id)),
    removed: before.filter((b) => !held.some((r) => r.id === b.id)),
  };
  if (!changed(assignment)) return assignment;
  authorizeRoleChange(actor, assignment.added, assignment.removed);
  await guardedIfRemoving(tx, assignment.removed.length > 0, async (db) => {
    if (assignment.removed.length > 0) {
      await db.delete(userRoles).where(and(eq(userRoles.userId, userId), inArray(userRoles.roleId, assignment.removed.map((r) => r.id))));
    }
    await grantRoles(db, userId, assignment.added.map((r) => r.id));
    if (options.audited !== false) {
      await recordAccountChange(db, context.audit, {
        action: 'user.roles_changed',
        targetType: 'user',
        targetId: userId,
        details: { from: before.map((r) => r.id), to: held.map((r) => r.id) },
      });
    }
  });
  return assignment;
}

/**
 * Sets exactly which groups an account belongs to, under the same rules as `assignRoles`: the actor must hold every
 * permission the groups joined or left carry.
 */
export async function assignGroups(
  tx: Database,
  context: AssignmentContext,
  actor: Grantor | null,
  userId: string,
  groupIds: readonly string[],
  options: AssignOptions = {},
): Promise<Assignment<GroupWithRoles>> {
  const held = await groupsByIds(tx, groupIds);
  await lockAccount(tx, userId);
  const rows = await tx
    .select({ group: groups })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId))
    .orderBy(groups.name);
  const carried = await rolesOfGroups(tx, rows.map((r) => r.group.id));
  const before = rows.map((r) => ({ ...r.group, roles: carried.get(r.group.id) ?? [] }));
  const assignment = {
    before,
    held,
    added: held.filter((g) => !before.some((b) => b.id === g.id)),
    removed: before.filter((b) => !held.some((g) => g.id === b.id)),
  };
  if (!changed(assignment)) return assignment;
  authorizeRoleChange(actor, ...[...assignment.added, ...assignment.removed].map((g) => g.roles));
  await guardedIfRemoving(tx, assignment.removed.length > 0, async (db) => {
    if (assignment.removed.length > 0) {
      await removeMemberships(db, context, { userId, groupIds: assignment.removed.map((g) => g.id) });
    }
    await addMemberships(db, context, assignment.added.map((g) => ({ groupId: g.id, userId })));
    if (options.audited !== false) {
      await recordAccountChange(db, context.audit, {
        action: 'user.groups_changed',
        targetType: 'user',
        targetId: userId,
        details: { from: before.map((g) => g.id), to: held.map((g) => g.id) },
      });
    }
  });
  return assignment;
}

/**
 * Gives roles whose grant was already authorised (a new account's, an invitation's). Roles held already are kept
 * once; answers the ids actually added. A role deleted meanwhile answers 400 naming `roleIds`.
 */
export async function grantRoles(tx: Database, userId: string, roleIds: readonly string[]): Promise<string[]> {
  if (roleIds.length === 0) return [];
  try {
    const added = await tx
      .insert(userRoles)
      .values([...new Set(roleIds)].map((roleId) => ({ userId, roleId })))
      .onConflictDoNothing()
      .returning({ id: userRoles.roleId });
    return added.map((r) => r.id);
  } catch (error) {
    if (isForeignKeyViolation(error)) throw unknownIds('roleIds', 'roles', [...roleIds]);
    throw error;
  }
}

/** Adds memberships whose grant was already authorised; answers those that are new and tells the listeners. */
export async function addMemberships(
  tx: Database,
  context: AssignmentContext,
  memberships: readonly { groupId: string; userId: string }[],
): Promise<{ groupId: string; userId: string }[]> {
  if (memberships.length === 0) return [];
  const added = await tx
    .insert(groupMembers)
    .values(memberships.map((m) => ({ ...m, addedAt: context.audit.now })))
    .onConflictDoNothing()
    .returning({ groupId: groupMembers.groupId, userId: groupMembers.userId });
  await membershipChanged(tx, { userIds: [...new Set(added.map((m) => m.userId))], now: context.audit.now, config: context.config });
  return added;
}

/**
 * Ends memberships: one person's in some groups, everyone's in one group, or one person's in all groups (omit
 * `groupIds`). Answers the people who left and tells the listeners.
 */
export async function removeMemberships(
  tx: Database,
  context: AssignmentContext,
  which: { userId: string; groupIds?: readonly string[] } | { groupId: string; userIds?: readonly string[] },
): Promise<string[]> {
  const where =
    'userId' in which
      ? and(eq(groupMembers.userId, which.userId), which.groupIds ? inArray(groupMembers.groupId, [...which.groupIds]) : undefined)
      : and(eq(groupMembers.groupId, which.groupId), which.userIds ? inArray(groupMembers.userId, [...which.userIds]) : undefined);
  const removed = await tx.delete(groupMembers).where(where).returning({ userId: groupMembers.userId });
  const userIds = [...new Set(removed.map((r) => r.userId))];
  await membershipChanged(tx, { userIds, now: context.audit.now, config: context.config });
  return userIds;
}

/**
 * Checks, before anything is given, that these roles and groups exist (400 naming `roleIds` / `groupIds`) and that
 * the actor may hand out everything they carry: for grants made now (a new account) or later (a link, an invitation).
 */
export async function authorizeGrants(
  db: Database,
  actor: Grantor | null,
  roleIds: readonly string[],
  groupIds: readonly string[],
): Promise<{ roles: RoleRow[]; groups: GroupWithRoles[] }> {
  const granted = { roles: await rolesByIds(db, roleIds), groups: await groupsByIds(db, groupIds) };
  authorizeRoleChange(actor, granted.roles, ...granted.groups.map((g) => g.roles));
  return granted;
}
