import { inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { authorizeGrant, groupRoles, groups, roles, type Actor } from '../../accounts/index.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { isUnsafeText } from '../../platform/text.js';
import { newUserFields } from '../fields.js';
import { IMPORT_COLUMNS, splitNames, type CsvRow } from './csv.js';

/**
 * The deciding half of an import: what each row says, whether it is valid and unique in the file, and which roles and
 * groups it may be given. Nothing here writes; ./service.ts applies what this works out.
 */
export const ROW_OUTCOMES = ['created', 'skipped', 'failed'] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

/** Why a row was skipped or failed; stable, for clients to branch on. */
export const ROW_CODES = [
  'email_taken',
  'username_taken',
  'invalid_row',
  'duplicate_in_file',
  'unknown_role',
  'unknown_group',
  'forbidden',
] as const;
export type RowCode = (typeof ROW_CODES)[number];

export interface RowResult {
  row: number;
  outcome: RowOutcome;
  email?: string;
  userId?: string;
  code?: RowCode;
  reason?: string;
  /** Only when the import sends invitations: the row's invitation mail is in the outbox, or its domain is not allowed. */
  invitation?: 'queued' | 'blocked';
}

const rowFields = z.object(newUserFields);

export interface Candidate {
  row: number;
  name: string;
  email: string;
  username: string;
  roleNames: string[];
  groupNames: string[];
}

interface Grantable {
  id: string;
  permissions: string[];
}

/** Roles and groups already looked up during this import, by lower-cased name; null when no such one exists. */
export interface NameCache {
  roles: Map<string, Grantable | null>;
  groups: Map<string, Grantable | null>;
}

/** Emails and usernames seen so far in the file (lower-cased) and the row that first used each. */
export interface SeenInFile {
  emails: Map<string, number>;
  usernames: Map<string, number>;
}

export const failed = (row: number, code: RowCode, reason: string, email?: string): RowResult => ({
  row,
  outcome: 'failed',
  ...(email ? { email } : {}),
  code,
  reason,
});

/**
 * Everything that can be decided from the row alone, in file order: the values are valid and no earlier row of the
 * file has the same email or username. Both rows of a duplicate are named, and only the later one fails.
 */
export function checkRow(input: CsvRow, seen: SeenInFile): Candidate | RowResult {
  const email = input.values.email ?? '';
  const username = input.values.username ?? '';
  const emailKey = email.toLowerCase();
  const usernameKey = username.toLowerCase();
  const firstWithEmail = emailKey ? seen.emails.get(emailKey) : undefined;
  const firstWithUsername = usernameKey ? seen.usernames.get(usernameKey) : undefined;
  if (emailKey && firstWithEmail === undefined) seen.emails.set(emailKey, input.row);
  if (usernameKey && firstWithUsername === undefined) seen.usernames.set(usernameKey, input.row);

  // PostgreSQL cannot store a NUL: caught here, the row fails alone instead of its whole batch failing in the database.
  const unsafe = IMPORT_COLUMNS.find((column) => isUnsafeText(input.values[column] ?? ''));
  if (unsafe) return failed(input.row, 'invalid_row', `${unsafe}: must not contain NUL characters.`, email);
  if (input.extraValues > 0) {
    return failed(input.row, 'invalid_row', `Row ${input.row} has more values than the header has columns.`, email);
  }
  const parsed = rowFields.safeParse({ name: input.values.name ?? '', email, username });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    return failed(input.row, 'invalid_row', `${problems.join('; ')}.`, email);
  }
  if (firstWithEmail !== undefined) {
    return failed(input.row, 'duplicate_in_file', `Row ${input.row} has the same email as row ${firstWithEmail}.`, email);
  }
  if (firstWithUsername !== undefined) {
    return failed(input.row, 'duplicate_in_file', `Row ${input.row} has the same username as row ${firstWithUsername}.`, email);
  }
  return {
    row: input.row,
    ...parsed.data,
    roleNames: splitNames(input.values.roles),
    groupNames: splitNames(input.values.groups),
  };
}

/**
 * The roles and groups a batch names, by lower-cased name (null: no such one). Names new to this import are looked
 * up in one query each and remembered in `cache`; the batch works from the returned maps, so a concurrent batch that
 * empties the cache cannot pull names out from under it.
 */
export async function resolveNames(db: Database, cache: NameCache, batch: Candidate[]): Promise<NameCache> {
  const keysOf = (pick: (c: Candidate) => string[]) => new Set(batch.flatMap((c) => pick(c).map((n) => n.toLowerCase())));
  const roleKeys = keysOf((c) => c.roleNames);
  const groupKeys = keysOf((c) => c.groupNames);
  const newRoleKeys = [...roleKeys].filter((k) => !cache.roles.has(k));
  const newGroupKeys = [...groupKeys].filter((k) => !cache.groups.has(k));
  if (newRoleKeys.length > 0) {
    const rows = await db
      .select({ id: roles.id, name: roles.name, permissions: roles.permissions })
      .from(roles)
      .where(inArray(sql`lower(${roles.name})`, newRoleKeys));
    for (const key of newRoleKeys) cache.roles.set(key, null);
    for (const r of rows) cache.roles.set(r.name.toLowerCase(), { id: r.id, permissions: r.permissions });
  }
  if (newGroupKeys.length > 0) {
    // A group hands its members the permissions of the roles it carries.
    const rows = await db
      .select({
        id: groups.id,
        name: groups.name,
        permissions: sql<string[]>`coalesce(array_agg(distinct p) filter (where p is not null), '{}'::text[])`,
      })
      .from(groups)
      .leftJoin(groupRoles, sql`${groupRoles.groupId} = ${groups.id}`)
      .leftJoin(roles, sql`${roles.id} = ${groupRoles.roleId}`)
      .leftJoin(sql`lateral unnest(${roles.permissions}) as p`, sql`true`)
      .where(inArray(sql`lower(${groups.name})`, newGroupKeys))
      .groupBy(groups.id);
    for (const key of newGroupKeys) cache.groups.set(key, null);
    for (const g of rows) cache.groups.set(g.name.toLowerCase(), { id: g.id, permissions: g.permissions });
  }
  const pick = (keys: Set<string>, known: Map<string, Grantable | null>) => new Map([...keys].map((k) => [k, known.get(k) ?? null]));
  return { roles: pick(roleKeys, cache.roles), groups: pick(groupKeys, cache.groups) };
}

export interface Grant {
  roleIds: string[];
  groupIds: string[];
}

/** The roles and groups a row names, provided they all exist and the actor may hand out what they carry. */
export function grantFor(actor: Actor, cache: NameCache, c: Candidate): Grant | RowResult {
  const find = (names: string[], known: Map<string, Grantable | null>) => names.map((n) => [n, known.get(n.toLowerCase()) ?? null] as const);
  const roleHits = find(c.roleNames, cache.roles);
  const groupHits = find(c.groupNames, cache.groups);
  const missingRoles = roleHits.filter(([, hit]) => !hit).map(([n]) => n);
  if (missingRoles.length > 0) {
    return failed(c.row, 'unknown_role', `No role is called ${missingRoles.map((n) => `“${n}”`).join(', ')}.`, c.email);
  }
  const missingGroups = groupHits.filter(([, hit]) => !hit).map(([n]) => n);
  if (missingGroups.length > 0) {
    return failed(c.row, 'unknown_group', `No group is called ${missingGroups.map((n) => `“${n}”`).join(', ')}.`, c.email);
  }
  const held = [...roleHits, ...groupHits].map(([, hit]) => hit!);
  try {
    authorizeGrant(actor, held.flatMap((h) => h.permissions));
  } catch (error) {
    if (!(error instanceof FoyerError)) throw error;
    const missing = (error.details?.missingPermissions as string[] | undefined) ?? [];
    return failed(c.row, 'forbidden', `You cannot grant permissions you do not hold yourself: ${missing.join(', ')}.`, c.email);
  }
  return { roleIds: roleHits.map(([, hit]) => hit!.id), groupIds: groupHits.map(([, hit]) => hit!.id) };
}
