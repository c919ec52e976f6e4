import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  actorUserColumns,
  actorUserOf,
  heldCatalogue,
  roleRefSchema,
  USER_PROFILES,
  USER_STATUSES,
  users,
  type ActorUser,
} from '../accounts/index.js';
import { preparedQuery, type Database } from '../platform/db.js';
import { isoDate, isoOrNull } from '../platform/http.js';

/** The signed-in person's own account as every sign-in and `GET /api/v1/me` answer it. */
export const meSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    username: z.string(),
    status: z.enum(USER_STATUSES),
    profile: z.enum(USER_PROFILES),
    roles: z.array(roleRefSchema),
    permissions: z.array(z.string()),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    /** False until the person confirms their address (code from sign-up, invitation link, SSO). */
    emailVerified: z.boolean(),
    setupIncomplete: z
      .boolean()
      .describe('True while an account begun by a sign-up link or invitation has no passkey or password yet: this session may only finish setting it up'),
  })
  .meta({ id: 'Me' });

export type Me = z.infer<typeof meSchema>;

/** What `GET /api/v1/me` shows of an account: the actor of the request already holds all of it. */
export const toMe = (user: ActorUser, permissions: Iterable<string>, setupOnly = false): Me => ({
  id: user.id,
  name: user.name,
  email: user.email,
  username: user.username,
  status: user.status,
  profile: user.profile,
  roles: user.roles,
  permissions: [...permissions].sort(),
  createdAt: isoDate(user.createdAt),
  lastLoginAt: isoOrNull(user.lastLoginAt),
  emailVerified: user.emailVerifiedAt !== null,
  setupIncomplete: setupOnly,
});

const meRow = preparedQuery('foyer_load_me', (db, name) =>
  db.select(actorUserColumns(sql.placeholder('knownStamp'))).from(users).where(eq(users.id, sql.placeholder('userId'))).prepare(name),
);

/** The same view for a user who is not (or not yet) the actor of the request, such as someone who just signed in. */
export async function loadMe(db: Database, userId: string, setupOnly = false): Promise<Me> {
  const known = heldCatalogue();
  const [row] = await meRow(db).execute({ userId, knownStamp: known?.stamp ?? null });
  if (!row) throw new Error(`user ${userId} vanished`);
  const { user, permissions } = actorUserOf(row, known);
  return toMe(user, permissions, setupOnly);
}
