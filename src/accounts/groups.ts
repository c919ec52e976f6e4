import { and, eq, inArray } from 'drizzle-orm';
import { isUniqueViolation, type Database } from '../platform/db.js';
import { fieldError } from '../platform/errors.js';
import { removeMemberships, type AssignmentContext } from './assignments.js';
import { groupRoles, groups, type GroupRow } from './schema.js';

/**
 * The writes behind the groups page: groups made, renamed, given or relieved of roles, and deleted. The groups
 * feature decides who may and records each change; these run in its transaction, on a group it locked. Members
 * come and go through `addMemberships` / `removeMemberships`.
 */

export interface GroupFields {
  name: string;
  description: string;
}

const groupNameTaken = () => fieldError('name', 'group_name_taken', 'A group with this name already exists.');

function nameClash(error: unknown): unknown {
  return isUniqueViolation(error, 'groups_name_lower_key') ? groupNameTaken() : error;
}

/** A new group carrying `roleIds` (roles the caller read and may hand out). */
export async function addGroup(db: Database, fields: GroupFields, roleIds: readonly string[], now: Date): Promise<GroupRow> {
  let row: GroupRow | undefined;
  try {
    [row] = await db
      .insert(groups)
      .values({ ...fields, createdAt: now, updatedAt: now })
      .returning();
  } catch (error) {
    throw nameClash(error);
  }
  await changeGroupRoles(db, row!.id, { added: roleIds, removed: [] });
  return row!;
}

export async function changeGroup(db: Database, id: string, fields: GroupFields, now: Date): Promise<GroupRow> {
  try {
    const [row] = await db
      .update(groups)
      .set({ ...fields, updatedAt: now })
      .where(eq(groups.id, id))
      .returning();
    return row!;
  } catch (error) {
    throw nameClash(error);
  }
}

/** Changes which roles a group carries, and so what each of its members may do. */
export async function changeGroupRoles(db: Database, id: string, change: { added: readonly string[]; removed: readonly string[] }): Promise<void> {
  if (change.removed.length > 0) {
    await db.delete(groupRoles).where(and(eq(groupRoles.groupId, id), inArray(groupRoles.roleId, [...change.removed])));
  }
  if (change.added.length > 0) {
    await db.insert(groupRoles).values(change.added.map((roleId) => ({ groupId: id, roleId })));
  }
}

/** Deletes a group: its members leave it first, so whoever listens to membership changes hears of each of them. */
export async function removeGroup(db: Database, context: AssignmentContext, id: string): Promise<void> {
  await removeMemberships(db, context, { groupId: id });
  await db.delete(groups).where(eq(groups.id, id));
}
