import { and, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { actorUserColumns, actorUserOf, heldCatalogue, registerAccessHolder, users, type Actor } from '../../accounts/index.js';
import { asDate, asIs, packedRow, preparedQuery, type Database } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { hashSecret, randomId, randomSecret, secretMatches, splitToken } from '../../platform/crypto.js';
import { onCredentialSaved } from '../credentials.js';
import type { LastSeen } from './last-seen.js';
import { sessions } from './schema.js';

const MINUTE = 60_000;
export const SESSION_IDLE_MS = 7 * 24 * 60 * MINUTE;
export const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * MINUTE;
// A minute's precision is plenty for last-seen: a session is noted at most once a minute (and written in batches).
const TOUCH_INTERVAL_MS = MINUTE;

/** What a new session carries about how it began. */
export interface SessionOrigin {
  ssoProviderId?: string;
  setupOnly?: boolean;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** Starts a session and returns the bearer value for the cookie: `id.secret`, of which only a hash is stored. */
export async function createSession(
  db: Database,
  userId: string,
  client: ClientInfo,
  now: Date,
  via: SessionOrigin = {},
): Promise<string> {
  const id = randomId();
  const secret = randomSecret();
  await db.insert(sessions).values({
    id,
    secretHash: hashSecret(secret),
    userId,
    createdAt: now,
    lastSeenAt: now,
    authenticatedAt: now,
    idleExpiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    absoluteExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
    ip: client.ip,
    userAgent: client.userAgent?.slice(0, 512) ?? null,
    ssoProviderId: via.ssoProviderId ?? null,
    setupOnly: via.setupOnly ?? false,
  });
  return `${id}.${secret}`;
}

const checkedSession = packedRow({
  secretHash: [sessions.secretHash, asIs<string>()],
  lastSeenAt: [sessions.lastSeenAt, asDate],
  authenticatedAt: [sessions.authenticatedAt, asDate],
  idleExpiresAt: [sessions.idleExpiresAt, asDate],
  absoluteExpiresAt: [sessions.absoluteExpiresAt, asDate],
  setupOnly: [sessions.setupOnly, asIs<boolean>()],
});

const sessionWithActor = preparedQuery('foyer_resolve_session', (db, name) =>
  db
    .select({ session: checkedSession.column, user: actorUserColumns(sql.placeholder('knownStamp')) })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare(name),
);

const later = (a: Date, b: Date | undefined) => (b && b > a ? b : a);

/**
 * Returns the actor of a session token, or null when the token is unknown, expired or its user is no longer active.
 * The user's status is read on every call, so disabling someone takes effect on their very next request. Uses are
 * noted in `lastSeen`, whose not yet written ones count too.
 */
export async function resolveSession(db: Database, lastSeen: LastSeen, token: string, now: Date): Promise<Actor | null> {
  const parts = splitToken(token);
  if (!parts) return null;
  const known = heldCatalogue();
  const [row] = await sessionWithActor(db).execute({ id: parts.id, knownStamp: known?.stamp ?? null });
  if (!row) return null;
  const session = checkedSession.unpack(row.session);
  if (!secretMatches(parts.secret, session.secretHash)) return null;
  const noted = lastSeen.noted(parts.id);
  if (later(session.idleExpiresAt, noted?.idleExpiresAt) <= now || session.absoluteExpiresAt <= now) {
    await endSession(db, parts.id);
    return null;
  }
  const { user, permissions } = actorUserOf(row.user, known);
  if (user.status !== 'active') return null;
  if (now.getTime() - later(session.lastSeenAt, noted?.at).getTime() > TOUCH_INTERVAL_MS) {
    const idle = Math.min(now.getTime() + SESSION_IDLE_MS, session.absoluteExpiresAt.getTime());
    lastSeen.note(parts.id, { at: now, idleExpiresAt: new Date(idle) });
  }
  return { via: 'session', sessionId: parts.id, apiTokenId: null, authenticatedAt: session.authenticatedAt, setupOnly: session.setupOnly, user, permissions };
}

export async function endSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function endOtherSessions(db: Database, userId: string, keepSessionId: string | null): Promise<void> {
  await db
    .delete(sessions)
    .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId));
}

/** Ends one session of this person; 404 when they have no such session. */
export async function endOneSessionOf(db: Database, userId: string, sessionId: string): Promise<void> {
  const [ended] = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
    .returning({ id: sessions.id });
  if (!ended) throw notFound('The session');
}

/** Every way of losing access ends the person's sessions; signing out everywhere keeps the one that asked. */
registerAccessHolder({
  name: 'sessions',
  async end(tx, { userId, exceptSessionId }) {
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), exceptSessionId ? ne(sessions.id, exceptSessionId) : undefined))
      .returning({ id: sessions.id });
    return ended.length;
  },
});

/** The first passkey or password finishes the account: its set-up sessions become ordinary ones in that transaction. */
onCredentialSaved('sessions', async (tx, { userId }) => {
  await tx.update(sessions).set({ setupOnly: false }).where(and(eq(sessions.userId, userId), eq(sessions.setupOnly, true)));
});

export async function pruneExpiredSessions(db: Database, now: Date): Promise<void> {
  await db
    .delete(sessions)
    .where(sql`${sessions.idleExpiresAt} <= ${now} or ${sessions.absoluteExpiresAt} <= ${now}`);
}

/** Records a successful re-authentication, which opens the recent-sign-in window for credential changes. */
export async function markSessionReauthenticated(db: Database, sessionId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ authenticatedAt: now }).where(eq(sessions.id, sessionId));
}

/**
 * Ends the sessions a person signed in to through single sign-on (one provider's, or every provider's), except
 * `keepSessionId`: taking SSO access away must not leave its sessions running. Returns how many ended.
 */
export async function endSessionsSignedInThroughSso(
  tx: Database,
  userId: string,
  which: { providerId?: string; keepSessionId: string | null },
): Promise<number> {
  const ended = await tx
    .delete(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        which.providerId ? eq(sessions.ssoProviderId, which.providerId) : isNotNull(sessions.ssoProviderId),
        which.keepSessionId ? ne(sessions.id, which.keepSessionId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return ended.length;
}
