import { AsyncLocalStorage } from 'node:async_hooks';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { errors } from 'oidc-provider';
import { preparedQuery, type Database } from '../../platform/db.js';
import { oidcModels } from '../schema.js';
import { findAppByClientId } from '../service.js';
import { clientMetadata } from './clients.js';

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  accountId?: string;
  clientId?: string;
  session?: { accountId?: string };
  params?: { client_id?: string };
};

/** The storage contract oidc-provider expects of an adapter (example/my_adapter.js in its repository). */
export interface EngineAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

const notExpired = (now: Date) => or(isNull(oidcModels.expiresAt), gt(oidcModels.expiresAt, now));

// Every token request reads the token and its grant, and spends a code or a refresh token: prepared
// once per database, these skip building and parsing the same SQL on each request (bench/ figure 9).
const modelColumns = { payload: oidcModels.payload, consumedAt: oidcModels.consumedAt };
const unexpiredAt = or(isNull(oidcModels.expiresAt), gt(oidcModels.expiresAt, sql.placeholder('now')));
const modelById = preparedQuery('foyer_oidc_model_by_id', (db, name) =>
  db
    .select(modelColumns)
    .from(oidcModels)
    .where(and(eq(oidcModels.kind, sql.placeholder('kind')), eq(oidcModels.id, sql.placeholder('id')), unexpiredAt))
    .prepare(name),
);
const modelByUid = preparedQuery('foyer_oidc_model_by_uid', (db, name) =>
  db
    .select(modelColumns)
    .from(oidcModels)
    .where(and(eq(oidcModels.kind, sql.placeholder('kind')), eq(oidcModels.uid, sql.placeholder('uid')), unexpiredAt))
    .prepare(name),
);
const consumeModel = preparedQuery('foyer_oidc_consume', (db, name) =>
  db
    .update(oidcModels)
    .set({ consumedAt: sql`${sql.placeholder('now')}::timestamptz` })
    .where(and(eq(oidcModels.kind, sql.placeholder('kind')), eq(oidcModels.id, sql.placeholder('id')), isNull(oidcModels.consumedAt)))
    .returning({ grantId: oidcModels.grantId })
    .prepare(name),
);

// Every grant writes its new tokens: the same upsert, prepared once. A row written again keeps its consumed mark.
const upsertModel = preparedQuery('foyer_oidc_upsert', (db, name) =>
  db
    .insert(oidcModels)
    .values({
      kind: sql.placeholder('kind'),
      id: sql.placeholder('id'),
      payload: sql.placeholder('payload'),
      grantId: sql.placeholder('grantId'),
      uid: sql.placeholder('uid'),
      userCode: sql.placeholder('userCode'),
      accountId: sql.placeholder('accountId'),
      clientId: sql.placeholder('clientId'),
      // Cast rather than mapped: a model without a lifetime has none, and the column mapping cannot take a null.
      expiresAt: sql`${sql.placeholder('expiresAt')}::timestamptz`,
    })
    .onConflictDoUpdate({
      target: [oidcModels.kind, oidcModels.id],
      set: {
        payload: sql`excluded.payload`,
        grantId: sql`excluded.grant_id`,
        uid: sql`excluded.uid`,
        userCode: sql`excluded.user_code`,
        accountId: sql`excluded.account_id`,
        clientId: sql`excluded.client_id`,
        expiresAt: sql`excluded.expires_at`,
      },
    })
    .prepare(name),
);

/**
 * A code exchange or a refresh grant reads its token and at once the grant the token names: inside an engine request
 * (see mount.ts) both come from one statement, and the grant is kept for the Grant lookup that follows. Each is
 * taken once, and writing or deleting a grant forgets it, so nothing kept here outlives the request it was read for.
 */
const prefetchedGrants = new AsyncLocalStorage<Map<string, Payload | undefined>>();
export const withGrantPrefetch = <T>(run: () => T): T => prefetchedGrants.run(new Map(), run);

const GRANT_BEARERS: ReadonlySet<string> = new Set(['AuthorizationCode', 'RefreshToken']);
const grantRow = alias(oidcModels, 'grant_row');
const modelWithGrant = preparedQuery('foyer_oidc_model_with_grant', (db, name) =>
  db
    .select({ ...modelColumns, grantPayload: grantRow.payload, grantConsumedAt: grantRow.consumedAt })
    .from(oidcModels)
    .leftJoin(
      grantRow,
      and(
        eq(grantRow.kind, 'Grant'),
        eq(grantRow.id, oidcModels.grantId),
        or(isNull(grantRow.expiresAt), gt(grantRow.expiresAt, sql.placeholder('now'))),
      ),
    )
    .where(and(eq(oidcModels.kind, sql.placeholder('kind')), eq(oidcModels.id, sql.placeholder('id')), unexpiredAt))
    .prepare(name),
);

function payloadOf(row: { payload: unknown; consumedAt: Date | null }): Payload {
  const payload = row.payload as Payload;
  return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
}

/**
 * One adapter class per model kind over the `oidc_models` table, so every instance sharing the database sees the
 * same sessions, codes and tokens and nothing lives in process memory. Clients are not stored here: they are read
 * from `apps` on every lookup, so an edit or a deletion takes effect at once on every instance.
 */
export function drizzleAdapter(db: Database, now: () => Date = () => new Date()) {
  return class DrizzleAdapter implements EngineAdapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      if (this.kind === 'Grant') this.forgetGrant(id);
      const at = now();
      await upsertModel(db).execute({
        kind: this.kind,
        id,
        payload,
        // A grant's own id is its grant id, so revoking by grant id takes the grant along with its tokens.
        grantId: this.kind === 'Grant' ? id : (payload.grantId ?? null),
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        accountId: payload.accountId ?? payload.session?.accountId ?? null,
        clientId: payload.clientId ?? payload.params?.client_id ?? null,
        expiresAt: expiresIn ? new Date(at.getTime() + expiresIn * 1000).toISOString() : null,
      });
    }

    private async findWhere(condition: ReturnType<typeof eq>): Promise<Payload | undefined> {
      const [row] = await db
        .select({ payload: oidcModels.payload, consumedAt: oidcModels.consumedAt })
        .from(oidcModels)
        .where(and(eq(oidcModels.kind, this.kind), condition, notExpired(now())));
      return row && payloadOf(row);
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.kind === 'Client') {
        const app = await findAppByClientId(db, id);
        return app ? (clientMetadata(app) as Payload) : undefined;
      }
      const prefetched = prefetchedGrants.getStore();
      if (this.kind === 'Grant' && prefetched?.has(id)) {
        const grant = prefetched.get(id);
        prefetched.delete(id);
        return grant;
      }
      if (prefetched && GRANT_BEARERS.has(this.kind)) {
        const [row] = await modelWithGrant(db).execute({ kind: this.kind, id, now: now() });
        if (!row) return undefined;
        const payload = payloadOf(row);
        if (payload.grantId) {
          prefetched.set(payload.grantId, row.grantPayload ? payloadOf({ payload: row.grantPayload, consumedAt: row.grantConsumedAt }) : undefined);
        }
        return payload;
      }
      const [row] = await modelById(db).execute({ kind: this.kind, id, now: now() });
      return row && payloadOf(row);
    }

    private forgetGrant(grantId: string): void {
      prefetchedGrants.getStore()?.delete(grantId);
    }

    async findByUid(uid: string) {
      const [row] = await modelByUid(db).execute({ kind: this.kind, uid, now: now() });
      return row && payloadOf(row);
    }

    findByUserCode(userCode: string) {
      return this.findWhere(eq(oidcModels.userCode, userCode));
    }

    /**
     * Marks a code or refresh token used. Conditional, so of two requests racing to redeem the same one (on any
     * instances) exactly one wins; the loser is treated as the replay it is: the grant is revoked (RFC 6749 §4.1.2)
     * and the request answers `invalid_grant`.
     */
    async consume(id: string): Promise<void> {
      const [row] = await consumeModel(db).execute({ kind: this.kind, id, now: now().toISOString() });
      if (row) return;
      const [used] = await db
        .select({ grantId: oidcModels.grantId })
        .from(oidcModels)
        .where(and(eq(oidcModels.kind, this.kind), eq(oidcModels.id, id)));
      if (used?.grantId) await this.revokeByGrantId(used.grantId);
      throw new errors.InvalidGrant('grant request is invalid');
    }

    async destroy(id: string): Promise<void> {
      if (this.kind === 'Grant') this.forgetGrant(id);
      await db.delete(oidcModels).where(and(eq(oidcModels.kind, this.kind), eq(oidcModels.id, id)));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      this.forgetGrant(grantId);
      await db.delete(oidcModels).where(eq(oidcModels.grantId, grantId));
    }
  };
}

/** Housekeeping: drops rows past their expiry (the engine never reads them again). */
export async function pruneExpiredModels(db: Database, now: Date): Promise<number> {
  const pruned = await db.delete(oidcModels).where(lt(oidcModels.expiresAt, now)).returning({ id: oidcModels.id });
  return pruned.length;
}
