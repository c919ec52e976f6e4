import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  addGroup,
  addMemberships,
  authorizeRoleChange,
  changeGroup,
  changeGroupRoles,
  groupMembers,
  groups,
  removeGroup,
  removeMemberships,
  rolesByIds,
  rolesOfGroups,
  unknownIds,
  users,
  withAdminGuard,
  type Actor,
  type GroupRow,
  type GroupWithRoles,
} from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';

export type { GroupWithRoles };

const groupNotFound = () => notFound('The group');

/** Locks the group for the rest of the transaction: membership and role changes then see a stable set of roles. */
async function lockGroup(tx: Database, id: string): Promise<GroupWithRoles> {
  if (!isUuid(id)) throw groupNotFound();
  const [row] = await tx.select().from(groups).where(eq(groups.id, id)).for('update');
  if (!row) throw groupNotFound();
  const carried = await rolesOfGroups(tx, [id]);
  return { ...row, roles: carried.get(id) ?? [] };
}

export interface GroupDetail extends GroupWithRoles {
  memberCount: number;
}

export async function getGroup(db: Database, id: string): Promise<GroupDetail> {
  if (!isUuid(id)) throw groupNotFound();
  const [row] = await db.select().from(groups).where(eq(groups.id, id));
  if (!row) throw groupNotFound();
  const carried = await rolesOfGroups(db, [id]);
  const [members] = await db
    .select({ n: count() })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, id), isNull(users.deletedAt)));
  return { ...row, roles: carried.get(id) ?? [], memberCount: members?.n ?? 0 };
}

/** Groups ordered by name; names are unique regardless of case, so the lower-cased name alone is the cursor. */
export async function listGroups(db: Database, page: { limit: number; after?: string; q?: string }) {
  const conditions = [];
  if (page.after !== undefined) conditions.push(sql`lower(${groups.name}) > ${page.after}`);
  if (page.q) conditions.push(sql`${groups.name} ilike ${`%${page.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  const rows = await db
    .select({ group: groups, sortKey: sql<string>`lower(${groups.name})` })
    .from(groups)
    .where(and(...conditions))
    .orderBy(asc(sql`lower(${groups.name})`))
    .limit(page.limit + 1);
  const carried = await rolesOfGroups(
    db,
    rows.map((r) => r.group.id),
  );
  return rows.map((r) => ({ group: { ...r.group, roles: carried.get(r.group.id) ?? [] }, sortKey: r.sortKey }));
}

export interface GroupInput {
  name: string;
  description?: string;
  roleIds?: string[];
}

export async function createGroup(db: Database, context: AuditContext, actor: Actor, input: GroupInput): Promise<GroupWithRoles> {
  return db.transaction(async (tx) => {
    const carried = await rolesByIds(tx, input.roleIds ?? []);
    authorizeRoleChange(actor, carried);
    const fields = { name: input.name.trim(), description: input.description?.trim() ?? '' };
    const group = await addGroup(tx, fields, carried.map((r) => r.id), context.now);
    await recordAudit(tx, context, {
      action: 'group.created',
      targetType: 'group',
      targetId: group.id,
      details: { name: group.name, description: group.description, roleIds: carried.map((r) => r.id) },
    });
    return { ...group, roles: carried };
  });
}

/**
 * Renames or describes a group, or changes the roles it carries. Changing its roles changes what every member may
 * do, so the actor must hold every permission of the roles added or removed; removing a role may remove the last
 * administrator, so that runs under the guard.
 */
export async function updateGroup(
  db: Database,
  context: AuditContext,
  actor: Actor,
  id: string,
  input: Partial<GroupInput>,
): Promise<GroupWithRoles> {
  const run = async (tx: Database) => {
    const before = await lockGroup(tx, id);
    const beforeRoleIds = before.roles.map((r) => r.id);
    const wanted = input.roleIds === undefined ? undefined : await rolesByIds(tx, input.roleIds);
    const wantedIds = wanted?.map((r) => r.id) ?? beforeRoleIds;
    const addedIds = wantedIds.filter((r) => !beforeRoleIds.includes(r));
    const removedIds = beforeRoleIds.filter((r) => !wantedIds.includes(r));
    if (addedIds.length + removedIds.length > 0) {
      const changed = [...(wanted ?? []), ...before.roles].filter((r) => addedIds.includes(r.id) || removedIds.includes(r.id));
      authorizeRoleChange(actor, changed);
    }
    const name = input.name?.trim() ?? before.name;
    const description = input.description?.trim() ?? before.description;
    const row = await changeGroup(tx, id, { name, description }, context.now);
    await changeGroupRoles(tx, id, { added: addedIds, removed: removedIds });
    const changes: Record<string, unknown> = {};
    if (name !== before.name) changes.name = { from: before.name, to: name };
    if (description !== before.description) changes.description = { from: before.description, to: description };
    if (addedIds.length + removedIds.length > 0) {
      changes.roleIds = { from: beforeRoleIds, to: wantedIds, added: addedIds, removed: removedIds };
    }
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, context, { action: 'group.updated', targetType: 'group', targetId: id, details: changes });
    }
    return { ...row, roles: wanted ?? before.roles };
  };
  // Whether roles are removed is only known under the lock; guarding every role change costs one lock, not a mistake.
  return input.roleIds === undefined ? db.transaction(run) : withAdminGuard(db, run);
}

/** Deletes a group; its members lose the roles it carried, so this is guarded and needs those permissions. */
export async function deleteGroup(db: Database, context: AuditContext, actor: Actor, id: string, config: Config): Promise<void> {
  await withAdminGuard(db, async (tx) => {
    const group = await lockGroup(tx, id);
    authorizeRoleChange(actor, group.roles);
    await removeGroup(tx, { audit: context, config }, id);
    await recordAudit(tx, context, {
      action: 'group.deleted',
      targetType: 'group',
      targetId: id,
      details: { name: group.name, roleIds: group.roles.map((r) => r.id) },
    });
  });
}

/** Members by name, then id (names repeat, so the cursor carries both). Deleted accounts are not people any more. */
export async function listMembers(
  db: Database,
  groupId: string,
  page: { limit: number; after?: [string, string] },
) {
  await getGroupRow(db, groupId);
  const conditions = [eq(groupMembers.groupId, groupId), isNull(users.deletedAt)];
  if (page.after) conditions.push(sql`(lower(${users.name}), ${users.id}) > (${page.after[0]}, ${page.after[1]}::uuid)`);
  return db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      username: users.username,
      status: users.status,
      addedAt: groupMembers.addedAt,
      sortKey: sql<string>`lower(${users.name})`,
    })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(...conditions))
    .orderBy(asc(sql`lower(${users.name})`), asc(users.id))
    .limit(page.limit + 1);
}

async function getGroupRow(db: Database, id: string): Promise<GroupRow> {
  if (!isUuid(id)) throw groupNotFound();
  const [row] = await db.select().from(groups).where(eq(groups.id, id));
  if (!row) throw groupNotFound();
  return row;
}

/**
 * Adds people to a group. They inherit its roles, so the actor must hold every permission those roles grant.
 * Answers which of them were not members before.
 */
export async function addMembers(
  db: Database,
  context: AuditContext,
  actor: Actor,
  groupId: string,
  userIds: readonly string[],
  config: Config,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const group = await lockGroup(tx, groupId);
    authorizeRoleChange(actor, group.roles);
    const ids = [...new Set(userIds)];
    const valid = ids.filter(isUuid);
    const found =
      valid.length > 0
        ? await tx
            .select({ id: users.id })
            .from(users)
            .where(and(inArray(users.id, valid), isNull(users.deletedAt)))
        : [];
    const missing = ids.filter((id) => !found.some((u) => u.id === id));
    if (missing.length > 0) throw unknownIds('userIds', 'users', missing);
    const inserted = await addMemberships(tx, { audit: context, config }, ids.map((userId) => ({ groupId, userId })));
    const added = inserted.map((r) => r.userId);
    if (added.length > 0) {
      await recordAudit(tx, context, { action: 'group.members_added', targetType: 'group', targetId: groupId, details: { userIds: added } });
    }
    return added;
  });
}

/** Removes one person; they lose the group's roles, so this is guarded and needs those permissions. */
export async function removeMember(
  db: Database,
  context: AuditContext,
  actor: Actor,
  groupId: string,
  userId: string,
  config: Config,
): Promise<void> {
  await withAdminGuard(db, async (tx) => {
    const group = await lockGroup(tx, groupId);
    authorizeRoleChange(actor, group.roles);
    const removed = isUuid(userId) ? await removeMemberships(tx, { audit: context, config }, { groupId, userIds: [userId] }) : [];
    if (removed.length === 0) throw new FoyerError(404, 'not_found', 'This person is not a member of the group.');
    await recordAudit(tx, context, { action: 'group.member_removed', targetType: 'group', targetId: groupId, details: { userId } });
  });
}
