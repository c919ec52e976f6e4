import { sql, type SQL } from 'drizzle-orm';
import { FoyerError, forbidden } from '../platform/errors.js';
import type { Permission } from '../roles/catalogue.js';
import { users, type UserProfile, type UserStatus } from '../users/schema.js';
import type { RoleRef } from '../users/service.js';

/**
 * The account behind a request, with everything `GET /api/v1/me` shows: the session check reads it in the same
 * statement, so the console's most frequent request costs one query.
 */
export interface ActorUser {
  id: string;
  name: string;
  email: string;
  username: string;
  status: UserStatus;
  profile: UserProfile;
  createdAt: Date;
  lastLoginAt: Date | null;
  emailVerifiedAt: Date | null;
  /** The roles held directly, ordered by name (group roles count in `permissions`, not here). */
  roles: RoleRef[];
}

/** The signed-in person behind a request, through a browser session or an API token they created. */
export interface Actor {
  via: 'session' | 'api_token';
  sessionId: string | null;
  apiTokenId: string | null;
  /** When the session's holder last proved who they are; null for API tokens, which never count as a fresh sign-in. */
  authenticatedAt: Date | null;
  user: ActorUser;
  permissions: ReadonlySet<string>;
}

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

/** The roles the `users` row in the surrounding query holds directly, ordered by name, as JSON. */
export const directRoles: SQL<RoleRef[]> = sql<RoleRef[]>`coalesce((
    select json_agg(json_build_object('id', r.id, 'name', r.name) order by r.name)
    from user_roles ur join roles r on r.id = ur.role_id
    where ur.user_id = "users"."id"), '[]'::json)`;

export const actorUserColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  username: users.username,
  status: users.status,
  profile: users.profile,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
  emailVerifiedAt: users.emailVerifiedAt,
  roles: directRoles,
  permissions: userPermissions,
};

/** The single permission check every admin route goes through. */
export function authorize(actor: Actor, permission: Permission): void {
  if (!actor.permissions.has(permission)) throw forbidden();
}

/**
 * No privilege escalation: an actor may only hand out (through a role, a group or a role edit) permissions they
 * hold themselves.
 */
export function authorizeGrant(actor: Actor, permissions: Iterable<string>): void {
  const missing = [...new Set(permissions)].filter((p) => !actor.permissions.has(p));
  if (missing.length > 0) {
    throw new FoyerError(403, 'forbidden', 'You cannot grant permissions you do not hold yourself.', {
      details: { missingPermissions: missing.sort() },
    });
  }
}

/**
 * External users (seed 003) never see other people's names or emails: every endpoint that lists or shows other
 * people calls this, whatever permissions the actor holds.
 */
export function authorizeSeeingPeople(actor: Actor): void {
  if (actor.user.profile === 'external') {
    throw new FoyerError(403, 'forbidden', 'External users cannot see other people in this organisation.');
  }
}

/** Splits `id.secret`, the shape of every bearer token Foyer issues after its prefix. */
export function splitToken(token: string, prefix = ''): { id: string; secret: string } | null {
  if (!token.startsWith(prefix)) return null;
  const [id, secret, extra] = token.slice(prefix.length).split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  return { id, secret };
}
