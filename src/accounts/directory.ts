import { asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  groupMembers,
  groupRoles,
  groups,
  roles,
  userRoles,
  users,
  type GroupRow,
  type RoleRow,
  type UserRow,
} from './schema.js';
import { preparedQuery, type Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { isUuid } from '../platform/ids.js';

/** The roles, groups and who holds which: the lookups every feature that grants or shows access shares. */

export interface RoleRef {
  id: string;
  name: string;
}

export interface GroupRef {
  id: string;
  name: string;
}

export const roleRefSchema = z.object({ id: z.string(), name: z.string() });
export const groupRefSchema = z.object({ id: z.string(), name: z.string() });

export interface GroupWithRoles extends GroupRow {
  roles: RoleRow[];
}

export const unknownIds = (field: string, what: string, ids: string[]) =>
  new FoyerError(400, 'validation_failed', `Some ${what} do not exist.`, {
    details: { fields: { [field]: `Unknown ${what}: ${ids.join(', ')}` }, unknownIds: ids },
  });

/** node-postgres and PGlite both report SQLSTATE in `code`; drizzle wraps it in `cause`. */
export function isForeignKeyViolation(error: unknown): boolean {
  let current: unknown = error;
  while (current && typeof current === 'object') {
    const e = current as { code?: unknown; cause?: unknown };
    if (e.code === '23503') return true;
    current = e.cause;
  }
  return false;
}

/**
 * The roles with these ids, in the given order without repeats. Unknown ids answer 400 naming `field`, so a
 * caller's body field (`roleIds`) is what the client sees.
 */
export async function rolesByIds(db: Database, roleIds: readonly string[], field = 'roleIds'): Promise<RoleRow[]> {
  const ids = [...new Set(roleIds)];
  if (ids.length === 0) return [];
  const valid = ids.filter(isUuid);
  const rows = valid.length > 0 ? await db.select().from(roles).where(inArray(roles.id, valid)) : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw unknownIds(field, 'roles', missing);
  return ids.map((id) => byId.get(id)!);
}

/** The roles each group carries, by name. */
export async function rolesOfGroups(db: Database, groupIds: string[]): Promise<Map<string, RoleRow[]>> {
  const byGroup = new Map<string, RoleRow[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return byGroup;
  const rows = await db
    .select({ groupId: groupRoles.groupId, role: roles })
    .from(groupRoles)
    .innerJoin(roles, eq(roles.id, groupRoles.roleId))
    .where(inArray(groupRoles.groupId, groupIds))
    .orderBy(asc(sql`lower(${roles.name})`));
  for (const r of rows) byGroup.get(r.groupId)?.push(r.role);
  return byGroup;
}

/**
 * The groups with these ids, in the given order without repeats, each with the roles it carries. Unknown ids
 * answer 400 naming `field`.
 */
export async function groupsByIds(db: Database, groupIds: readonly string[], field = 'groupIds'): Promise<GroupWithRoles[]> {
  const ids = [...new Set(groupIds)];
  if (ids.length === 0) return [];
  const valid = ids.filter(isUuid);
  const rows = valid.length > 0 ? await db.select().from(groups).where(inArray(groups.id, valid)) : [];
  const byId = new Map(rows.map((g) => [g.id, g]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw unknownIds(field, 'groups', missing);
  const carried = await rolesOfGroups(db, ids);
  return ids.map((id) => ({ ...byId.get(id)!, roles: carried.get(id) ?? [] }));
}

/** A group as something that grants: the union of the permissions of the roles it carries. */
export const groupGrant = (g: GroupWithRoles) => ({ id: g.id, name: g.name, permissions: g.roles.flatMap((r) => r.permissions) });

/** The roles several users hold directly, by name, in one query. */
export async function rolesOfUsers(db: Database, userIds: string[]): Promise<Map<string, RoleRef[]>> {
  const byUser = new Map<string, RoleRef[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows = await db
    .select({ userId: userRoles.userId, id: roles.id, name: roles.name })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(inArray(userRoles.userId, userIds))
    .orderBy(roles.name);
  for (const r of rows) byUser.get(r.userId)?.push({ id: r.id, name: r.name });
  return byUser;
}

/** Group memberships of several users in one query, so a page of users costs the same however long it is. */
export async function groupsOfUsers(db: Database, userIds: string[]): Promise<Map<string, GroupRef[]>> {
  const byUser = new Map<string, GroupRef[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows = await db
    .select({ userId: groupMembers.userId, id: groups.id, name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(inArray(groupMembers.userId, userIds))
    .orderBy(groups.name);
  for (const r of rows) byUser.get(r.userId)?.push({ id: r.id, name: r.name });
  return byUser;
}

/**
 * Of roles and groups granted earlier (by a link, an invitation), those that still exist: one deleted since is
 * simply gone rather than failing every later use of the grant.
 */
export async function stillExisting(db: Database, grant: { roleIds: readonly string[]; groupIds: readonly string[] }) {
  const roleIds = grant.roleIds.length
    ? (await db.select({ id: roles.id }).from(roles).where(inArray(roles.id, [...grant.roleIds]))).map((r) => r.id)
    : [];
  const groupIds = grant.groupIds.length
    ? (await db.select({ id: groups.id }).from(groups).where(inArray(groups.id, [...grant.groupIds]))).map((g) => g.id)
    : [];
  return { roleIds, groupIds };
}

/** The account an email or username (regardless of case) belongs to, deleted ones included. */
const userByIdentifier = preparedQuery('foyer_user_by_identifier', (db, name) => {
  const value = sql.placeholder('identifier');
  return db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${value}) or lower(${users.username}) = lower(${value})`)
    .limit(1)
    .prepare(name);
});

export async function findUserByIdentifier(db: Database, identifier: string): Promise<UserRow | undefined> {
  const [row] = await userByIdentifier(db).execute({ identifier: identifier.trim() });
  return row;
}
