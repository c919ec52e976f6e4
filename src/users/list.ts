import { and, asc, desc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { groupsOfUsers, rolesOfUsers, users, userSearchText, type UserStatus } from '../accounts/index.js';
import type { Database } from '../platform/db.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { adminUserColumns, authMethodIs, toAdminUserDetail, type AdminUserDetail, type AdminUserRow, type AuthMethod } from './views.js';

export const USER_SORTS = ['name', 'email', 'createdAt', 'lastLoginAt'] as const;
export type UserSort = (typeof USER_SORTS)[number];
export type SortDirection = 'asc' | 'desc';

export interface UserListQuery {
  q?: string;
  status?: UserStatus;
  roleId?: string;
  groupId?: string;
  authMethod?: AuthMethod;
  sort: UserSort;
  direction: SortDirection;
  limit: number;
  cursor?: string;
}

// The cursor names its sort, so a cursor from one ordering cannot silently skip rows in another. The key is the
// database's own text of the sort value: timestamps keep their full precision, names their exact lower-casing.
const cursorShape = (query: UserListQuery) =>
  z.tuple([z.literal(query.sort), z.literal(query.direction), z.string().max(400).nullable(), z.uuid()]);
type Position = { key: string | null; id: string };

/**
 * How each sort orders rows and continues after a position, each served by an index of `users`. Keys compare as
 * rows `(key, id)` so the btree on `(key, id)` answers the keyset condition directly.
 */
const SORT_KEYS: Record<Exclude<UserSort, 'lastLoginAt'>, { key: SQL; after: (p: Position, op: SQL) => SQL; order: (dir: SortDirection) => SQL[] }> = {
  name: {
    key: sql`lower(${users.name})`,
    after: (p, op) => sql`(lower(${users.name}), ${users.id}) ${op} (${p.key}, ${p.id}::uuid)`,
    order: (dir) => [by(dir, sql`lower(${users.name})`), by(dir, users.id)],
  },
  // lower(email) is unique, so it alone is the position; the unique index on it then serves order and condition.
  email: {
    key: sql`lower(${users.email})`,
    after: (p, op) => sql`lower(${users.email}) ${op} ${p.key}`,
    order: (dir) => [by(dir, sql`lower(${users.email})`)],
  },
  createdAt: {
    key: sql`${users.createdAt}::text`,
    after: (p, op) => sql`(${users.createdAt}, ${users.id}) ${op} (${p.key}::timestamptz, ${p.id}::uuid)`,
    order: (dir) => [by(dir, users.createdAt), by(dir, users.id)],
  },
};

const by = (dir: SortDirection, column: Parameters<typeof asc>[0]) => (dir === 'asc' ? asc(column) : desc(column));

function filtersOf(query: UserListQuery): SQL[] {
  const conditions: SQL[] = [isNull(users.deletedAt)];
  if (query.q) {
    // Exactly this shape (the indexed expression, LIKE, a lower-cased pattern) lets the trigram index answer it.
    const literal = query.q.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`${userSearchText(users)} like '%' || lower(${literal}) || '%'`);
  }
  if (query.status) conditions.push(eq(users.status, query.status));
  if (query.roleId) {
    conditions.push(sql`exists (select 1 from user_roles ur where ur.user_id = "users"."id" and ur.role_id = ${query.roleId}::uuid)`);
  }
  if (query.groupId) {
    conditions.push(sql`exists (select 1 from group_members gm where gm.group_id = ${query.groupId}::uuid and gm.user_id = "users"."id")`);
  }
  if (query.authMethod) conditions.push(authMethodIs(query.authMethod));
  return conditions;
}

type Ranked = AdminUserRow & { sortKey: string | null };

/**
 * One page of the admin user list in a constant number of queries whatever the page size or table size: the page
 * itself, then the roles and the groups of the users on it. Nothing is counted.
 */
export async function listUsers(db: Database, query: UserListQuery): Promise<{ items: AdminUserDetail[]; nextCursor: string | null }> {
  const decoded = decodeCursor(query.cursor, cursorShape(query));
  const after = decoded ? { key: decoded[2], id: decoded[3] } : undefined;
  const filters = filtersOf(query);
  const rows = query.sort === 'lastLoginAt' ? await pageByLastLogin(db, query, filters, after) : await pageBy(db, query, filters, after);
  const page = paginate(rows, query.limit, (u) => [query.sort, query.direction, u.sortKey, u.id]);
  const ids = page.items.map((u) => u.id);
  const [roles, groups] = [await rolesOfUsers(db, ids), await groupsOfUsers(db, ids)];
  return {
    items: page.items.map((u) => toAdminUserDetail(u, roles.get(u.id) ?? [], groups.get(u.id) ?? [])),
    nextCursor: page.nextCursor,
  };
}

function pageBy(db: Database, query: UserListQuery, filters: SQL[], after: Position | undefined): Promise<Ranked[]> {
  const sort = SORT_KEYS[query.sort as keyof typeof SORT_KEYS];
  const op = query.direction === 'asc' ? sql`>` : sql`<`;
  const position = after && after.key !== null ? sort.after(after, op) : undefined;
  return db
    .select({ ...adminUserColumns, sortKey: sql<string | null>`${sort.key}`.as('sort_key') })
    .from(users)
    .where(and(...filters, position))
    .orderBy(...sort.order(query.direction))
    .limit(query.limit + 1);
}

/**
 * People who never signed in count as the longest ago: first when ascending, last when descending. The index on
 * `(last_login_at, id)` keeps nulls last, so each half is read on its own from that index and the two halves are
 * joined in one statement; a position inside one half excludes the half before it.
 */
async function pageByLastLogin(db: Database, query: UserListQuery, filters: SQL[], after: Position | undefined): Promise<Ranked[]> {
  const ascending = query.direction === 'asc';
  const op = ascending ? sql`>` : sql`<`;
  const limit = query.limit + 1;
  const columns = { ...adminUserColumns, sortKey: sql<string | null>`${users.lastLoginAt}::text`.as('sort_key') };

  const neverHalf = (rank: number) => {
    if (after && after.key !== null && ascending) return undefined;
    const position = after && after.key === null ? sql`${users.id} ${op} ${after.id}::uuid` : undefined;
    return db
      .select({ ...columns, half: sql<number>`${rank}::int`.as('half') })
      .from(users)
      .where(and(...filters, isNull(users.lastLoginAt), position))
      .orderBy(by(query.direction, users.id))
      .limit(limit);
  };
  const signedInHalf = (rank: number) => {
    if (after && after.key === null && !ascending) return undefined;
    const position =
      after && after.key !== null
        ? sql`(${users.lastLoginAt}, ${users.id}) ${op} (${after.key}::timestamptz, ${after.id}::uuid)`
        : undefined;
    return db
      .select({ ...columns, half: sql<number>`${rank}::int`.as('half') })
      .from(users)
      .where(and(...filters, isNotNull(users.lastLoginAt), position))
      .orderBy(by(query.direction, users.lastLoginAt), by(query.direction, users.id))
      .limit(limit);
  };

  const halves = (ascending ? [neverHalf(0), signedInHalf(1)] : [signedInHalf(0), neverHalf(1)]).filter((h) => h !== undefined);
  const [first, second] = halves;
  if (!second) return (await first!).map(withoutHalf);
  const both = first!.unionAll(second).as('both');
  const rows = await db
    .select()
    .from(both)
    .orderBy(asc(both.half), by(query.direction, both.lastLoginAt), by(query.direction, both.id))
    .limit(limit);
  return rows.map(withoutHalf);
}

const withoutHalf = <T extends { half: number }>({ half: _half, ...row }: T) => row;
