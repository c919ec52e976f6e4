import { sql, type SQL } from 'drizzle-orm';
import { forbidden } from '../platform/errors.js';
import type { Permission } from '../roles/catalogue.js';
import { users, type UserProfile, type UserStatus } from '../users/schema.js';

/** The signed-in person behind a request, through a browser session or an API token they created. */
export interface Actor {
  via: 'session' | 'api_token';
  sessionId: string | null;
  apiTokenId: string | null;
  user: { id: string; name: string; email: string; username: string; status: UserStatus; profile: UserProfile };
  permissions: ReadonlySet<string>;
}

/**
 * Effective permissions of the `users` row in the surrounding query: the union over their roles, computed by the
 * database in the same query. The column is spelled out in full because drizzle renders single-table selects
 * unqualified, and a bare "id" inside the subquery would bind to roles.id.
 */
export const userPermissions: SQL<string[]> = sql<string[]>`coalesce((
    select array_agg(distinct p) from user_roles ur
    join roles r on r.id = ur.role_id
    cross join lateral unnest(r.permissions) as p
    where ur.user_id = "users"."id"), '{}'::text[])`;

export const actorUserColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  username: users.username,
  status: users.status,
  profile: users.profile,
  permissions: userPermissions,
};

/** The single permission check every admin route goes through. */
export function authorize(actor: Actor, permission: Permission): void {
  if (!actor.permissions.has(permission)) throw forbidden();
}

/** Splits `id.secret`, the shape of every bearer token Foyer issues after its prefix. */
export function splitToken(token: string, prefix = ''): { id: string; secret: string } | null {
  if (!token.startsWith(prefix)) return null;
  const [id, secret, extra] = token.slice(prefix.length).split('.');
  if (!id || !secret || extra !== undefined || id.length > 64 || secret.length > 128) return null;
  return { id, secret };
}
