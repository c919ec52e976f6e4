import type { DatabaseHandle } from '../platform/db.js';
import { groupMembers, groupRoles, groups, roles } from '../accounts/index.js';

/** A custom role straight in the database, for tests of features that only assign roles. */
export async function seedRole(handle: DatabaseHandle, name: string, permissions: string[]) {
  const [role] = await handle.db.insert(roles).values({ name, permissions }).returning();
  return role!;
}

/** A group carrying `roleIds`, with `memberIds` in it. */
export async function seedGroup(handle: DatabaseHandle, name: string, roleIds: string[] = [], memberIds: string[] = []) {
  const now = new Date();
  const [group] = await handle.db.insert(groups).values({ name, createdAt: now, updatedAt: now }).returning();
  if (roleIds.length) await handle.db.insert(groupRoles).values(roleIds.map((roleId) => ({ groupId: group!.id, roleId })));
  if (memberIds.length) await handle.db.insert(groupMembers).values(memberIds.map((userId) => ({ groupId: group!.id, userId, addedAt: now })));
  return group!;
}

export const USER_MANAGER_PERMISSIONS = ['users.read', 'users.create', 'users.update', 'users.delete'];
