import { asc, count, eq, sql } from 'drizzle-orm';
import {
  addRole,
  authorizeGrant,
  changeRole,
  groupRoles,
  isPermission,
  moveRoleHolders,
  removeRole,
  roles,
  rolesByIds,
  userRoles,
  type Actor,
  type RoleRow,
  withRequiredPermissions,
} from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';

const difference = <T>(a: readonly T[], b: readonly T[]) => a.filter((x) => !b.includes(x));

export interface RoleInput {
  name: string;
  description?: string;
  permissions: string[];
}

export interface RoleDetail extends RoleRow {
  userCount: number;
  groupCount: number;
}

/** A saved role, with the permissions the server added because the ones asked for require them. */
export interface SavedRole extends RoleRow {
  requiredPermissionsAdded: string[];
}

/**
 * The permissions a role is saved with: those asked for, known ones only, plus what they require. Adding the
 * required ones (rather than refusing) keeps a role from granting a permission its holders cannot use; the reply
 * names them so the console can say so.
 */
function rolePermissions(permissions: readonly string[]): { permissions: string[]; added: string[] } {
  const unique = [...new Set(permissions)];
  const unknown = unique.filter((p) => !isPermission(p));
  if (unknown.length > 0) {
    throw new FoyerError(400, 'validation_failed', `Unknown permission: ${unknown.join(', ')}.`, {
      details: { fields: { permissions: `Unknown permission: ${unknown.join(', ')}` }, unknownPermissions: unknown },
    });
  }
  const all = withRequiredPermissions(unique);
  return { permissions: all, added: difference(all, unique) };
}

const builtinProtected = (role: RoleRow, what: string) =>
  new FoyerError(409, 'builtin_role', `${role.name} is a built-in role and cannot be ${what}. Copy it into a custom role instead.`);

async function lockRole(tx: Database, id: string): Promise<RoleRow> {
  if (!isUuid(id)) throw notFound('The role');
  // The row lock orders this change against concurrent edits and assignments of the same role.
  const [row] = await tx.select().from(roles).where(eq(roles.id, id)).for('update');
  if (!row) throw notFound('The role');
  return row;
}

async function holderCounts(db: Database, roleId: string): Promise<{ userCount: number; groupCount: number }> {
  const [users] = await db.select({ n: count() }).from(userRoles).where(eq(userRoles.roleId, roleId));
  const [groups] = await db.select({ n: count() }).from(groupRoles).where(eq(groupRoles.roleId, roleId));
  return { userCount: users?.n ?? 0, groupCount: groups?.n ?? 0 };
}

export async function getRole(db: Database, id: string): Promise<RoleDetail> {
  if (!isUuid(id)) throw notFound('The role');
  const [row] = await db.select().from(roles).where(eq(roles.id, id));
  if (!row) throw notFound('The role');
  return { ...row, ...(await holderCounts(db, id)) };
}

/** Roles ordered by name. Names are unique regardless of case, so the lower-cased name alone is the cursor. */
export async function listRoles(db: Database, page: { limit: number; after?: string }) {
  // The database lower-cases the cursor too: JavaScript and PostgreSQL disagree on some letters.
  return db
    .select({ role: roles, sortKey: sql<string>`lower(${roles.name})` })
    .from(roles)
    .where(page.after === undefined ? undefined : sql`lower(${roles.name}) > ${page.after}`)
    .orderBy(asc(sql`lower(${roles.name})`))
    .limit(page.limit + 1);
}

export async function createRole(db: Database, context: AuditContext, actor: Actor, input: RoleInput): Promise<SavedRole> {
  const { permissions, added } = rolePermissions(input.permissions);
  authorizeGrant(actor, permissions);
  return db.transaction(async (tx) => {
    const row = await addRole(tx, { name: input.name.trim(), description: input.description?.trim() ?? '', permissions }, context.now);
    await recordAudit(tx, context, {
      action: 'role.created',
      targetType: 'role',
      targetId: row.id,
      details: { name: row.name, description: row.description, permissions, ...(added.length ? { requiredPermissionsAdded: added } : {}) },
    });
    return { ...row, requiredPermissionsAdded: added };
  });
}

/**
 * Renames, describes or changes the permissions of a custom role. Built-in roles are fixed. The actor must hold
 * every permission the role carries before and after: editing a role changes what all its holders may do.
 */
export async function updateRole(
  db: Database,
  context: AuditContext,
  actor: Actor,
  id: string,
  input: Partial<RoleInput>,
): Promise<SavedRole> {
  const asked = input.permissions === undefined ? undefined : rolePermissions(input.permissions);
  const permissions = asked?.permissions;
  return db.transaction(async (tx) => {
    const before = await lockRole(tx, id);
    if (before.builtinKey !== null) throw builtinProtected(before, 'changed');
    const after = {
      name: input.name?.trim() ?? before.name,
      description: input.description?.trim() ?? before.description,
      permissions: permissions ?? before.permissions,
    };
    authorizeGrant(actor, [...before.permissions, ...after.permissions]);
    const row = await changeRole(tx, id, after);
    const changes: Record<string, unknown> = {};
    if (after.name !== before.name) changes.name = { from: before.name, to: after.name };
    if (after.description !== before.description) changes.description = { from: before.description, to: after.description };
    if (after.permissions.join() !== [...before.permissions].sort().join()) {
      changes.permissions = {
        from: before.permissions,
        to: after.permissions,
        added: difference(after.permissions, before.permissions),
        removed: difference(before.permissions, after.permissions),
        ...(asked?.added.length ? { requiredPermissionsAdded: asked.added } : {}),
      };
    }
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, context, { action: 'role.updated', targetType: 'role', targetId: id, details: changes });
    }
    return { ...row, requiredPermissionsAdded: asked?.added ?? [] };
  });
}

/**
 * Deletes a custom role. While users or groups hold it the answer is 409 `role_in_use`, unless `reassignTo` names
 * another role: its holders then get that role instead, in the same transaction as the deletion.
 */
export async function deleteRole(
  db: Database,
  context: AuditContext,
  actor: Actor,
  id: string,
  reassignTo?: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const role = await lockRole(tx, id);
    if (role.builtinKey !== null) throw builtinProtected(role, 'deleted');
    authorizeGrant(actor, role.permissions);
    const holders = await holderCounts(tx, id);
    const held = holders.userCount + holders.groupCount > 0;
    let target: RoleRow | undefined;
    if (held && reassignTo === undefined) {
      throw new FoyerError(
        409,
        'role_in_use',
        `${role.name} is held by ${holders.userCount} user(s) and ${holders.groupCount} group(s). Choose a role to give them instead.`,
        { details: holders },
      );
    }
    if (held && reassignTo !== undefined) {
      if (reassignTo === id) {
        throw new FoyerError(400, 'validation_failed', 'Choose a different role to move its holders to.', {
          details: { fields: { reassignTo: 'must be a different role' } },
        });
      }
      [target] = await rolesByIds(tx, [reassignTo], 'reassignTo');
      authorizeGrant(actor, target!.permissions);
      await moveRoleHolders(tx, id, target!.id);
    }
    await removeRole(tx, id);
    await recordAudit(tx, context, {
      action: 'role.deleted',
      targetType: 'role',
      targetId: id,
      details: {
        name: role.name,
        permissions: role.permissions,
        ...(target ? { reassignedTo: { id: target.id, name: target.name }, ...holders } : {}),
      },
    });
  });
}
