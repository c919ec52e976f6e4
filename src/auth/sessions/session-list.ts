import { and, desc, eq, gt, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import { endAccess, type Actor } from '../../accounts/index.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { notFound } from '../../platform/errors.js';
import { isoDate } from '../../platform/http.js';
import { decodeCursor, pageOf, paginate } from '../../platform/paging.js';
import { sessions } from './schema.js';
import { describeUserAgent } from './user-agent.js';

export const sessionViewSchema = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    /** Parsed from the User-Agent header the client sent: a hint, not a proof. */
    browser: z.string().nullable(),
    os: z.string().nullable(),
    device: z.enum(['desktop', 'mobile', 'tablet', 'unknown']),
    /** "Firefox on Windows" */
    label: z.string(),
    /** The session this request came with. */
    current: z.boolean(),
  })
  .meta({ id: 'Session' });

export const sessionPageSchema = pageOf(sessionViewSchema);

const cursorShape = z.tuple([z.iso.datetime(), z.string()]);

/** The `limit` most recently used open sessions of one person (the user page shows them). */
export async function recentSessionsOf(db: Database, userId: string, options: { now: Date; limit: number; currentSessionId: string | null }) {
  const open = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.idleExpiresAt, options.now), gt(sessions.absoluteExpiresAt, options.now)))
    .orderBy(desc(sessions.lastSeenAt))
    .limit(options.limit);
  return open.map((s) => toSessionView(s, options.currentSessionId));
}

/** Open sessions of one person, newest first; paged on (created, id), which never change. */
export async function listSessionsOf(
  db: Database,
  userId: string,
  options: { limit: number; cursor?: string | undefined; now: Date; currentSessionId: string | null },
): Promise<z.infer<typeof sessionPageSchema>> {
  const after = decodeCursor(options.cursor, cursorShape);
  const position = after
    ? or(lt(sessions.createdAt, new Date(after[0])), and(eq(sessions.createdAt, new Date(after[0])), lt(sessions.id, after[1])))
    : undefined;
  const rows = await db
    .select()
    .from(sessions)
    .where(
      and(eq(sessions.userId, userId), gt(sessions.idleExpiresAt, options.now), gt(sessions.absoluteExpiresAt, options.now), position),
    )
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(options.limit + 1);
  const { items, nextCursor } = paginate(rows, options.limit, (s) => [isoDate(s.createdAt), s.id]);
  return { items: items.map((s) => toSessionView(s, options.currentSessionId)), nextCursor };
}

/** What people and administrators see of a session; `current` marks the one the request itself came with. */
export const toSessionView = (s: typeof sessions.$inferSelect, currentSessionId: string | null): z.infer<typeof sessionViewSchema> => ({
  id: s.id,
  createdAt: isoDate(s.createdAt),
  lastSeenAt: isoDate(s.lastSeenAt),
  expiresAt: isoDate(s.idleExpiresAt < s.absoluteExpiresAt ? s.idleExpiresAt : s.absoluteExpiresAt),
  ip: s.ip,
  userAgent: s.userAgent,
  ...describeUserAgent(s.userAgent),
  current: s.id === currentSessionId,
});

/** Ends one of the actor's own sessions (possibly the current one); another person's session is simply not found. */
export async function endOwnSession(db: Database, context: AuditContext, actor: Actor, sessionId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [ended] = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, actor.user.id)))
      .returning({ id: sessions.id });
    if (!ended) throw notFound('The session');
    await recordAudit(tx, context, {
      action: 'session.ended',
      targetType: 'user',
      targetId: actor.user.id,
      details: { sessionId, current: sessionId === actor.sessionId },
    });
  });
}

/** Signs the actor out everywhere else; the session making the request stays. Returns how many sessions ended. */
export async function endOtherOwnSessions(db: Database, context: AuditContext, actor: Actor, config: Config): Promise<number> {
  return db.transaction(async (tx) => {
    const ended = await endAccess(tx, {
      userId: actor.user.id,
      cause: 'signed_out_everywhere',
      now: context.now,
      config,
      exceptSessionId: actor.sessionId,
    });
    const sessionsEnded = ended.sessions ?? 0;
    if (sessionsEnded > 0) {
      await recordAudit(tx, context, {
        action: 'session.others_ended',
        targetType: 'user',
        targetId: actor.user.id,
        details: { sessionsEnded },
      });
    }
    return sessionsEnded;
  });
}
