import { sql, type SQL } from 'drizzle-orm';
import { FoyerError } from '../platform/errors.js';

/**
 * Effective permissions of the `users` row in the surrounding query: the union over the roles they hold directly and
 * through their groups, computed by the database in the same query. The column is spelled out in full because
 * drizzle renders single-table selects unqualified, and a bare "id" inside the subquery would bind to roles.id.
 */
export const userPermissions: SQL<string[]> = sql<string[]>`coalesce((
    select array_agg(distinct p) from (
      select ur.role_id from user_roles ur where ur.user_id = "users"."id"
      union
      select gr.role_id from group_members gm join group_roles gr on gr.group_id = gm.group_id where gm.user_id = "users"."id"
    ) held
    join roles r on r.id = held.role_id
    cross join lateral unnest(r.permissions) as p), '{}'::text[])`;

/** Anything that carries permissions: a role, or a group through the roles it carries. */
export interface Grantable {
  permissions: readonly string[];
}

/** Every permission the given roles and groups carry, once each. */
export const permissionsOf = (...sets: readonly (readonly Grantable[])[]): string[] => [
  ...new Set(sets.flat().flatMap((g) => g.permissions)),
];

/** Whoever hands out or takes away permissions: only their own permissions matter here. */
export interface Grantor {
  permissions: ReadonlySet<string>;
}

/**
 * No privilege escalation: an actor may only hand out (through a role, a group or a role edit) permissions they
 * hold themselves.
 */
export function authorizeGrant(actor: Grantor, permissions: Iterable<string>): void {
  const missing = [...new Set(permissions)].filter((p) => !actor.permissions.has(p));
  if (missing.length > 0) {
    throw new FoyerError(403, 'forbidden', 'You cannot grant permissions you do not hold yourself.', {
      details: { missingPermissions: missing.sort() },
    });
  }
}

/**
 * Refuses a change to who holds some roles or groups unless the actor holds every permission of every one given or
 * taken away: nobody can grant what they do not have, nor strip someone of power greater than their own. A null
 * actor is Foyer itself carrying out a change whose grant was authorised earlier (a sign-up link's roles, the CLI).
 */
export function authorizeRoleChange(actor: Grantor | null, ...changed: readonly (readonly Grantable[])[]): void {
  if (actor) authorizeGrant(actor, permissionsOf(...changed));
}
