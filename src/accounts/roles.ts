import { eq, sql } from 'drizzle-orm';
import { isUniqueViolation, type Database } from '../platform/db.js';
import { fieldError } from '../platform/errors.js';
import { groupRoles, roles, userRoles, type RoleRow } from './schema.js';

/**
 * The writes behind the roles page: custom roles made, changed and deleted. The roles feature decides who may and
 * records each change; these run in its transaction, on a role it locked.
 */

export interface RoleFields {
  name: string;
  description: string;
  permissions: string[];
}

const roleNameTaken = () => fieldError('name', 'role_name_taken', 'A role with this name already exists.');

function nameClash(error: unknown): unknown {
  return isUniqueViolation(error, 'roles_name_lower_key') ? roleNameTaken() : error;
}

export async function addRole(db: Database, fields: RoleFields, now: Date): Promise<RoleRow> {
  try {
    const [row] = await db
      .insert(roles)
      .values({ ...fields, createdAt: now })
      .returning();
    return row!;
  } catch (error) {
    throw nameClash(error);
  }
}

export async function changeRole(db: Database, id: string, fields: RoleFields): Promise<RoleRow> {
  try {
    const [row] = await db.update(roles).set(fields).where(eq(roles.id, id)).returning();
    return row!;
  } catch (error) {
    throw nameClash(error);
  }
}

/** Everyone holding a role, directly or through a group, holds `toRoleId` instead; those who had both keep one row. */
export async function moveRoleHolders(db: Database, fromRoleId: string, toRoleId: string): Promise<void> {
  await db.execute(sql`
    insert into user_roles (user_id, role_id)
    select user_id, ${toRoleId}::uuid from user_roles where role_id = ${fromRoleId}::uuid
    on conflict do nothing`);
  await db.execute(sql`
    insert into group_roles (group_id, role_id)
    select group_id, ${toRoleId}::uuid from group_roles where role_id = ${fromRoleId}::uuid
    on conflict do nothing`);
  await db.delete(userRoles).where(eq(userRoles.roleId, fromRoleId));
  await db.delete(groupRoles).where(eq(groupRoles.roleId, fromRoleId));
}

/** Deletes a role nobody holds any more (the foreign keys refuse one still held). */
export async function removeRole(db: Database, id: string): Promise<void> {
  await db.delete(roles).where(eq(roles.id, id));
}
