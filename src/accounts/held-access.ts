import { sql, type Placeholder } from 'drizzle-orm';
import type { RoleRef } from './directory.js';

/**
 * What the account of a request may do, without working it out in the database on every request. The statement that
 * reads the account also reads the ids of the roles and groups it holds (two index scans) and, only when the role
 * catalogue has changed since this process last read it, the whole catalogue: every role's name and permissions and
 * the roles each group carries. The permissions then come from that copy, which is good exactly while the catalogue's
 * stamp is unchanged (migration 0017 gives it a new value with every statement on roles or group_roles).
 * Everything is read in one statement, so in one snapshot: a disabled account, a role taken away, a group left or a
 * role's permission removed counts on the very next request, on every instance, and planning and aggregating the
 * permission subqueries no longer costs each session check (bench/ figure 3).
 */

interface CatalogueRow {
  /** Null only if the stamp's row were missing: such a copy is never taken for current. */
  stamp: string | null;
  /** Ordered by name as the database orders it, which is how `roles` of the `Me` view is ordered. */
  roles: { id: string; name: string; permissions: string[] }[];
  groupRoles: [groupId: string, roleId: string][];
}

export interface HeldAccess {
  /** The roles held directly, ordered by name. Shared by every request of the same holdings: never changed. */
  roles: RoleRef[];
  permissions: ReadonlySet<string>;
}

/** The holdings of accounts seen since the catalogue was read: most people share a handful of combinations. */
const MEMO_LIMIT = 10_000;

export class RoleCatalogue {
  readonly stamp: string | null;
  private readonly roles = new Map<string, { ref: RoleRef; rank: number; permissions: readonly string[] }>();
  private readonly rolesOfGroup = new Map<string, string[]>();
  private readonly memo = new Map<string, HeldAccess>();

  constructor(row: CatalogueRow) {
    this.stamp = row.stamp;
    row.roles.forEach((role, rank) => this.roles.set(role.id, { ref: Object.freeze({ id: role.id, name: role.name }), rank, permissions: role.permissions }));
    for (const [groupId, roleId] of row.groupRoles) {
      const held = this.rolesOfGroup.get(groupId);
      if (held) held.push(roleId);
      else this.rolesOfGroup.set(groupId, [roleId]);
    }
  }

  /** A role id the catalogue does not know cannot occur (it is read in the same snapshot), and grants nothing. */
  heldAccess(roleIds: readonly string[], groupIds: readonly string[]): HeldAccess {
    const key = `${roleIds.join(',')}|${groupIds.join(',')}`;
    let access = this.memo.get(key);
    if (access) return access;
    const direct = roleIds.flatMap((id) => this.roles.get(id) ?? []).sort((a, b) => a.rank - b.rank);
    const permissions = new Set(direct.flatMap((role) => role.permissions));
    for (const groupId of groupIds) {
      for (const roleId of this.rolesOfGroup.get(groupId) ?? []) for (const p of this.roles.get(roleId)?.permissions ?? []) permissions.add(p);
    }
    access = { roles: direct.map((role) => role.ref), permissions };
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, access);
    return access;
  }
}

let held: RoleCatalogue | null = null;

/**
 * The catalogue this process holds: pass its stamp to `catalogueUnless` and the catalogue itself to `heldAccessOf`
 * with the row, taken before the statement runs so that a newer copy arriving meanwhile cannot be mixed in.
 */
export const heldCatalogue = (): RoleCatalogue | null => held;

/** The ids of the roles the `users` row of the statement holds (spelled out in full, as `userPermissions` explains). */
export const heldRoleIds = sql<string[]>`array(select ur.role_id from user_roles ur where ur.user_id = "users"."id" order by 1)`;
export const heldGroupIds = sql<string[]>`array(select gm.group_id from group_members gm where gm.user_id = "users"."id" order by 1)`;

/** The whole catalogue, or null when its stamp is `knownStamp` (a placeholder in prepared statements). */
export const catalogueUnless = (knownStamp: Placeholder | string | null) =>
  sql<CatalogueRow | null>`case when (select c.stamp from role_catalogue_stamp c) = ${knownStamp} then null else json_build_object(
      'stamp', (select c.stamp from role_catalogue_stamp c),
      'roles', (select coalesce(json_agg(json_build_object('id', r.id, 'name', r.name, 'permissions', r.permissions) order by r.name), '[]'::json) from roles r),
      'groupRoles', (select coalesce(json_agg(json_build_array(gr.group_id, gr.role_id)), '[]'::json) from group_roles gr)
    ) end`;

export interface HeldAccessRow {
  roleIds: string[];
  groupIds: string[];
  catalogue: CatalogueRow | null;
}

/** The roles and permissions of the ids read with `heldRoleIds` and `heldGroupIds` and `catalogueUnless(known?.stamp ?? null)`. */
export function heldAccessOf(row: HeldAccessRow, known: RoleCatalogue | null): HeldAccess {
  let catalogue = known;
  if (row.catalogue) {
    catalogue = new RoleCatalogue(row.catalogue);
    held = catalogue;
  }
  if (!catalogue) throw new Error('the role catalogue was not read');
  return catalogue.heldAccess(row.roleIds, row.groupIds);
}
