import type { Placeholder } from 'drizzle-orm';
import { asDate, asDateOrNull, asIs, packedRow } from '../platform/db.js';
import { FoyerError, forbidden } from '../platform/errors.js';
import type { Permission } from './catalogue.js';
import type { RoleRef } from './directory.js';
import { catalogueUnless, heldAccessOf, heldGroupIds, heldRoleIds, type HeldAccessRow, type RoleCatalogue } from './held-access.js';
import { users, type UserProfile, type UserStatus } from './schema.js';

/**
 * The account behind a request, with everything `GET /api/v1/me` shows: the session check reads it in the same
 * statement, so the console's most frequent request costs one query (held-access.ts says how).
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
  /** A session that may only finish setting up a half-made account (see `sessions.setupOnly`); never an API token. */
  setupOnly: boolean;
  user: ActorUser;
  permissions: ReadonlySet<string>;
}

const actorAccount = packedRow({
  id: [users.id, asIs<string>()],
  name: [users.name, asIs<string>()],
  email: [users.email, asIs<string>()],
  username: [users.username, asIs<string>()],
  status: [users.status, asIs<UserStatus>()],
  profile: [users.profile, asIs<UserProfile>()],
  createdAt: [users.createdAt, asDate],
  lastLoginAt: [users.lastLoginAt, asDateOrNull],
  emailVerifiedAt: [users.emailVerifiedAt, asDateOrNull],
  roleIds: [heldRoleIds, asIs<string[]>()],
  groupIds: [heldGroupIds, asIs<string[]>()],
});

/**
 * The columns an `ActorUser` is made of, with `knownStamp` the stamp of `heldCatalogue()` taken before the statement;
 * `actorUserOf` turns the row into the account and its permissions.
 */
export const actorUserColumns = (knownStamp: Placeholder | string | null) => ({
  account: actorAccount.column,
  catalogue: catalogueUnless(knownStamp),
});

export interface ActorUserRow {
  account: unknown[];
  catalogue: HeldAccessRow['catalogue'];
}

export function actorUserOf(row: ActorUserRow, known: RoleCatalogue | null): { user: ActorUser; permissions: ReadonlySet<string> } {
  const { roleIds, groupIds, ...account } = actorAccount.unpack(row.account);
  const { roles, permissions } = heldAccessOf({ roleIds, groupIds, catalogue: row.catalogue }, known);
  return { user: { ...account, roles }, permissions };
}

/** The single permission check every admin route goes through. */
export function authorize(actor: Actor, permission: Permission): void {
  if (!actor.permissions.has(permission)) throw forbidden();
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
