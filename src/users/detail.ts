import { desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { groups, rolesOfGroups, userNotFound, userPermissions, users } from '../accounts/index.js';
import { tokenNamesOf } from '../api-tokens/index.js';
import { confirmedMethodsOf, countPasskeys, MFA_METHODS, recentSessionsOf, sessionViewSchema } from '../auth/index.js';
import { auditEvents, type AuditEventRow } from '../audit/index.js';
import type { Database } from '../platform/db.js';
import { isoDate } from '../platform/http.js';
import { decodeCursor, pageOf, paginate } from '../platform/paging.js';
import { isUuid } from '../platform/ids.js';
import { adminUserDetailSchema, loadAdminUser } from './views.js';

const partySchema = z.object({
  type: z.string(),
  id: z.string().nullable(),
  /** The person or group (for a token actor, the person who created it; for a token target, its name); null when unknown. */
  name: z.string().nullable(),
});

export const userAuditEventSchema = z
  .object({
    id: z.string(),
    occurredAt: z.string(),
    action: z.string(),
    actor: partySchema,
    target: partySchema.nullable(),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'UserAuditEvent' });

export const userAuditTrailSchema = pageOf(userAuditEventSchema);

/** A person with hundreds of sessions (a script signing in in a loop) must not make their page slow to open. */
export const DETAIL_SESSIONS = 50;

export const userDetailSchema = z
  .object({
    user: adminUserDetailSchema.extend({
      updatedAt: z.string(),
      permissions: z.array(z.string()),
      passkeyCount: z.number().int(),
      rolesFromGroups: z
        .array(z.object({ id: z.string(), name: z.string(), group: z.object({ id: z.string(), name: z.string() }) }))
        .describe('Roles held through groups, once per group that carries them'),
    }),
    sessions: z.array(sessionViewSchema).describe(`The ${DETAIL_SESSIONS} most recently used open sessions; all of them: GET /api/v1/admin/users/{id}/sessions`),
    /** The first page of the user's audit trail; null when the reader may not read the audit log. */
    auditTrail: userAuditTrailSchema.nullable(),
    /** The second factors the user has set up (two-factor status); empty when none. */
    mfaMethods: z.array(z.enum(MFA_METHODS)),
  })
  .meta({ id: 'AdminUserDetailPage' });

type UserDetail = z.infer<typeof userDetailSchema>;

export async function loadUserDetail(
  db: Database,
  userId: string,
  options: { now: Date; currentSessionId: string | null; withAuditTrail: boolean },
): Promise<UserDetail> {
  if (!isUuid(userId)) throw userNotFound();
  const user = await loadAdminUser(db, userId);
  if (!user) throw userNotFound();
  const [extra] = await db
    .select({ updatedAt: users.updatedAt, permissions: userPermissions })
    .from(users)
    .where(eq(users.id, userId));
  const carried = await rolesOfGroups(db, user.groups.map((g) => g.id));
  return {
    user: {
      ...user,
      updatedAt: isoDate(extra!.updatedAt),
      permissions: [...extra!.permissions].sort(),
      passkeyCount: await countPasskeys(db, userId),
      rolesFromGroups: user.groups.flatMap((g) => (carried.get(g.id) ?? []).map((r) => ({ id: r.id, name: r.name, group: g }))),
    },
    sessions: await recentSessionsOf(db, userId, { now: options.now, limit: DETAIL_SESSIONS, currentSessionId: options.currentSessionId }),
    auditTrail: options.withAuditTrail ? await userAuditTrail(db, userId, { limit: 20 }) : null,
    mfaMethods: (await confirmedMethodsOf(db, userId)).map((m) => m.kind),
  };
}

/**
 * Events where the user is the target or the actor (themselves, or through an API token they created), newest
 * first. Each source is read newest-first from its own index and only a page's worth of each is merged, so a long
 * history costs no more than a short one.
 */
export async function userAuditTrail(
  db: Database,
  userId: string,
  page: { limit: number; cursor?: string },
): Promise<z.infer<typeof userAuditTrailSchema>> {
  if (!isUuid(userId)) throw userNotFound();
  const before = decodeCursor(page.cursor, z.tuple([z.number().int()]));
  const older = before ? sql`and e.id < ${before[0]}` : sql``;
  const take = page.limit + 1;
  const ids = sql`
    (select e.id from audit_events e where e.target_id = ${userId} ${older} order by e.id desc limit ${take})
    union
    (select e.id from audit_events e where e.actor_id = ${userId} and e.actor_type = 'user' ${older} order by e.id desc limit ${take})
    union
    (select picked.id from api_tokens t cross join lateral (
      select e.id from audit_events e where e.actor_id = t.id and e.actor_type = 'api_token' ${older} order by e.id desc limit ${take}
    ) picked where t.created_by = ${userId})`;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(inArray(auditEvents.id, sql`(${ids})`))
    .orderBy(desc(auditEvents.id))
    .limit(take);
  const { items, nextCursor } = paginate(rows, page.limit, (e) => [e.id]);
  return { items: await withNames(db, items), nextCursor };
}

/**
 * The newest events of the whole audit log with the names of who did what to whom, for the administrator's home.
 * It shares the name lookup of a person's trail, which is why it lives here rather than in `audit`.
 */
export async function recentAuditEvents(db: Database, limit: number): Promise<z.infer<typeof userAuditEventSchema>[]> {
  const rows = await db.select().from(auditEvents).orderBy(desc(auditEvents.id)).limit(limit);
  return withNames(db, rows);
}

async function withNames(db: Database, events: AuditEventRow[]): Promise<z.infer<typeof userAuditEventSchema>[]> {
  const names = await partyNames(db, events);
  return events.map((e) => ({
    id: String(e.id),
    occurredAt: isoDate(e.occurredAt),
    action: e.action,
    actor: { type: e.actorType, id: e.actorId, name: nameOf(names, e.actorType, e.actorId) },
    target: e.targetType ? { type: e.targetType, id: e.targetId, name: nameOf(names, e.targetType, e.targetId, 'target') } : null,
    ip: e.ip,
    details: e.details,
  }));
}

interface Names {
  users: Map<string, string>;
  groups: Map<string, string>;
  tokens: Map<string, { name: string; creator: string }>;
}

function nameOf(names: Names, type: string, id: string | null, role: 'actor' | 'target' = 'actor'): string | null {
  if (!id) return null;
  if (type === 'user') return names.users.get(id) ?? null;
  if (type === 'group') return names.groups.get(id) ?? null;
  const token = type === 'api_token' ? names.tokens.get(id) : undefined;
  if (!token) return null;
  // A token acts for its creator; as a target it is the token itself.
  return role === 'actor' ? token.creator : token.name;
}

/** Names of the people, groups and tokens a page of events mentions, in at most three queries whatever its size. */
async function partyNames(db: Database, events: AuditEventRow[]): Promise<Names> {
  const userIds = new Set<string>();
  const groupIds = new Set<string>();
  const tokenIds = new Set<string>();
  for (const e of events) {
    for (const [type, id] of [[e.actorType, e.actorId], [e.targetType, e.targetId]] as const) {
      if (type === 'user' && id && isUuid(id)) userIds.add(id);
      if (type === 'group' && id && isUuid(id)) groupIds.add(id);
      if (type === 'api_token' && id) tokenIds.add(id);
    }
  }
  const groupRows = groupIds.size ? await db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, [...groupIds])) : [];
  const tokens = await tokenNamesOf(db, [...tokenIds]);
  const people = userIds.size ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...userIds])) : [];
  return {
    users: new Map(people.map((p) => [p.id, p.name])),
    groups: new Map(groupRows.map((g) => [g.id, g.name])),
    tokens: new Map(tokens.map((t) => [t.id, { name: t.name, creator: t.creator }])),
  };
}
