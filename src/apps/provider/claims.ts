import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { groupMembers, groups, users } from '../../accounts/index.js';
import { preparedQuery, type Database } from '../../platform/db.js';

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

// The engine looks the person up on every token request: prepared once.
const personById = preparedQuery('foyer_oidc_person', (db, name) =>
  db
    .select({
      id: users.id,
      name: users.name,
      username: users.username,
      email: users.email,
      emailVerified: sql<boolean>`${users.emailVerifiedAt} is not null`,
      status: users.status,
    })
    .from(users)
    .where(and(eq(users.id, sql.placeholder('userId')), isNull(users.deletedAt)))
    .prepare(name),
);

/** An account that exists and has not been deleted; the engine refuses anyone not active on top of this. */
export async function findPerson(db: Database, userId: string): Promise<Person | undefined> {
  const [row] = await personById(db).execute({ userId });
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
export async function allClaims(db: Database, person: Person): Promise<Record<string, unknown>> {
  return {
    sub: person.id,
    name: person.name,
    preferred_username: person.username,
    email: person.email,
    email_verified: person.emailVerified,
    groups: await groupNames(db, person.id),
  };
}

/** The claims a person would receive for these scopes, exactly as the engine releases them. */
export function claimsForScopes(claims: Record<string, unknown>, scopes: readonly string[]): Record<string, unknown> {
  const released: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const claim of SCOPE_CLAIMS[scope as keyof typeof SCOPE_CLAIMS] ?? []) released[claim] = claims[claim];
  }
  return released;
}
