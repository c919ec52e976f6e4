import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { groupMembers, groups, users } from '../../accounts/index.js';
import { preparedQuery, type Database } from '../../platform/db.js';
import { appAllowsUser } from '../access.js';

/** Which claims each scope releases (API.md "Apps"): the engine's `claims` setting and the "Try it" panel share it. */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
} as const;

export const SUPPORTED_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'groups'] as const;

/** Plain words for the consent page: what the app will see for each scope it asks for. */
export const SCOPE_WORDS: Record<string, string> = {
  openid: 'That it is you (an identifier that never changes)',
  profile: 'Your name and username',
  email: 'Your email address',
  groups: 'The names of the groups you belong to',
  offline_access: 'Stay signed in when you are not using it',
};

export interface Person {
  id: string;
  name: string;
  username: string;
  email: string;
  emailVerified: boolean;
  status: string;
}

/** The columns a `Person` is read from, in both lookups below. */
const personColumns = {
  id: users.id,
  name: users.name,
  username: users.username,
  email: users.email,
  emailVerified: sql<boolean>`${users.emailVerifiedAt} is not null`,
  status: users.status,
};

// The engine looks the person up on every token request: prepared once.
const personById = preparedQuery('foyer_oidc_person', (db, name) =>
  db
    .select(personColumns)
    .from(users)
    .where(and(eq(users.id, sql.placeholder('userId')), isNull(users.deletedAt)))
    .prepare(name),
);

/** An account that exists and has not been deleted; the engine refuses anyone not active on top of this. */
export async function findPerson(db: Database, userId: string): Promise<Person | undefined> {
  const [row] = await personById(db).execute({ userId });
  return row;
}

/** A person as the engine sees them on behalf of one app: whether the access rule lets them in, and their groups. */
export interface AppAccount extends Person {
  /** Null when no app was named (or it does not exist). */
  allowed: boolean | null;
  groups: string[];
}

// Every token request looks the person up, asks the access rule and (for the ID token) reads their groups: one
// prepared statement instead of three round trips (bench/ figure 9).
const accountForApp = preparedQuery('foyer_oidc_account', (db, name) =>
  db
    .select({
      ...personColumns,
      // Spelled "users"."id": a single-table select would print a bare "id", which the subqueries would read as their own.
      allowed: sql<boolean | null>`(select ${appAllowsUser(sql`"users"."id"`)} from apps a where a.client_id = ${sql.placeholder('clientId')})`,
      groups: sql<string[]>`coalesce((
        select json_agg(g.name order by lower(g.name)) from group_members gm join groups g on g.id = gm.group_id
        where gm.user_id = "users"."id"), '[]'::json)`,
    })
    .from(users)
    .where(and(eq(users.id, sql.placeholder('userId')), isNull(users.deletedAt)))
    .prepare(name),
);

export async function findAppAccount(db: Database, userId: string, clientId: string | undefined): Promise<AppAccount | undefined> {
  const [row] = await accountForApp(db).execute({ userId, clientId: clientId ?? null });
  return row;
}

async function groupNames(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId))
    .orderBy(asc(sql`lower(${groups.name})`));
  return rows.map((r) => r.name);
}

/** Every claim Foyer can release about a person; the engine filters them by the granted scopes. */
export const claimsOf = (person: Person, groups: string[]): Record<string, unknown> => ({
  sub: person.id,
  name: person.name,
  preferred_username: person.username,
  email: person.email,
  email_verified: person.emailVerified,
  groups,
});

export async function allClaims(db: Database, person: Person): Promise<Record<string, unknown>> {
  return claimsOf(person, await groupNames(db, person.id));
}

/** The claims a person would receive for these scopes, exactly as the engine releases them. */
export function claimsForScopes(claims: Record<string, unknown>, scopes: readonly string[]): Record<string, unknown> {
  const released: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const claim of SCOPE_CLAIMS[scope as keyof typeof SCOPE_CLAIMS] ?? []) released[claim] = claims[claim];
  }
  return released;
}
