import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { isUuid } from '../platform/ids.js';
import type { AuditEventRow } from './schema.js';

/** The party types whose names the log can show, and where each keeps its name (uuid ids unless noted). */
const NAMED_TABLES: Record<string, { table: string; name: string; textId?: true }> = {
  user: { table: 'users', name: 'name' },
  group: { table: 'groups', name: 'name' },
  role: { table: 'roles', name: 'name' },
  app: { table: 'apps', name: 'name' },
  sso_provider: { table: 'sso_providers', name: 'name' },
  // A link may have no name; it still exists, so it reads "the sign-up link without a name", not "a deleted" one.
  signup_link: { table: 'signup_links', name: "coalesce(nullif(name, ''), 'without a name')" },
  access_request: { table: 'access_requests', name: 'name' },
  api_token: { table: 'api_tokens', name: 'name', textId: true },
};

export interface PartyNames {
  /** `type:id` → the name it has now. */
  names: Map<string, string>;
  /** API token id → the name of the person it acts for. */
  tokenCreators: Map<string, string>;
}

export interface NamedEvent {
  actorName: string | null;
  actorTokenName: string | null;
  targetName: string | null;
}

const key = (type: string, id: string) => `${type}:${id}`;

/**
 * Names of the people, groups, apps and tokens a page of events mentions, as they are called now, in one query
 * whatever the page's size. The audit log sits below the features that own these tables in the layers, so it
 * reads their names by table rather than through their code; a party deleted since has no name (null).
 */
export async function partyNames(db: Database, events: readonly AuditEventRow[]): Promise<PartyNames> {
  const wanted = new Map<string, Set<string>>();
  for (const e of events) {
    for (const [type, id] of [[e.actorType, e.actorId], [e.targetType, e.targetId]] as const) {
      const table = type ? NAMED_TABLES[type] : undefined;
      if (!type || !id || !table || (!table.textId && !isUuid(id))) continue;
      wanted.set(type, (wanted.get(type) ?? new Set()).add(id));
    }
  }
  const result: PartyNames = { names: new Map(), tokenCreators: new Map() };
  if (wanted.size === 0) return result;
  const selects: SQL[] = [...wanted].map(([type, ids]) => {
    const { table, name, textId } = NAMED_TABLES[type]!;
    const idList = sql.join([...ids].map((id) => (textId ? sql`${id}` : sql`${id}::uuid`)), sql`, `);
    const creator = type === 'api_token' ? sql`(select u.name from users u where u.id = t.created_by)` : sql`null::text`;
    return sql`select ${type}::text as type, t.id::text as id, ${sql.raw(name)} as name, ${creator} as creator from ${sql.identifier(table)} t where t.id in (${idList})`;
  });
  const { rows } = (await db.execute(sql.join(selects, sql` union all `))) as unknown as {
    rows: { type: string; id: string; name: string | null; creator: string | null }[];
  };
  for (const row of rows) {
    if (row.name !== null) result.names.set(key(row.type, row.id), row.name);
    if (row.creator !== null) result.tokenCreators.set(row.id, row.creator);
  }
  return result;
}

/** An event's parties by name: a token acts for its creator, so the actor is the person and the token is named beside. */
export function nameEvent(names: PartyNames, e: Pick<AuditEventRow, 'actorType' | 'actorId' | 'targetType' | 'targetId'>): NamedEvent {
  const tokenActor = e.actorType === 'api_token' && e.actorId ? e.actorId : null;
  return {
    actorName: tokenActor ? (names.tokenCreators.get(tokenActor) ?? null) : e.actorId ? (names.names.get(key(e.actorType, e.actorId)) ?? null) : null,
    actorTokenName: tokenActor ? (names.names.get(key('api_token', tokenActor)) ?? null) : null,
    targetName: e.targetType && e.targetId ? (names.names.get(key(e.targetType, e.targetId)) ?? null) : null,
  };
}
