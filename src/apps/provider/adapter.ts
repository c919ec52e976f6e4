import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { errors } from 'oidc-provider';
import type { Database } from '../../platform/db.js';
import { apps, oidcModels } from '../schema.js';
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

/**
 * One adapter class per model kind over the `oidc_models` table, so every instance sharing the database sees the
 * same sessions, codes and tokens and nothing lives in process memory. Clients are not stored here: they are read
 * from `apps` on every lookup, so an edit or a deletion takes effect at once on every instance.
 */
export function drizzleAdapter(db: Database, now: () => Date = () => new Date()) {
  return class DrizzleAdapter implements EngineAdapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const at = now();
      const row = {
        kind: this.kind,
        id,
        payload,
        // A grant's own id is its grant id, so revoking by grant id takes the grant along with its tokens.
        grantId: this.kind === 'Grant' ? id : (payload.grantId ?? null),
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        accountId: payload.accountId ?? payload.session?.accountId ?? null,
        clientId: payload.clientId ?? payload.params?.client_id ?? null,
        expiresAt: expiresIn ? new Date(at.getTime() + expiresIn * 1000) : null,
      };
      await db
        .insert(oidcModels)
        .values(row)
        .onConflictDoUpdate({ target: [oidcModels.kind, oidcModels.id], set: { ...row, consumedAt: sql`${oidcModels.consumedAt}` } });
    }

    private async findWhere(condition: ReturnType<typeof eq>): Promise<Payload | undefined> {
      const [row] = await db
        .select({ payload: oidcModels.payload, consumedAt: oidcModels.consumedAt })
        .from(oidcModels)
        .where(and(eq(oidcModels.kind, this.kind), condition, notExpired(now())));
      if (!row) return undefined;
      const payload = row.payload as Payload;
      return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.kind === 'Client') {
        const [app] = await db.select().from(apps).where(eq(apps.clientId, id));
        return app ? (clientMetadata(app) as Payload) : undefined;
      }
      return this.findWhere(eq(oidcModels.id, id));
    }

    findByUid(uid: string) {
      return this.findWhere(eq(oidcModels.uid, uid));
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
      const [row] = await db
        .update(oidcModels)
        .set({ consumedAt: now() })
        .where(and(eq(oidcModels.kind, this.kind), eq(oidcModels.id, id), isNull(oidcModels.consumedAt)))
        .returning({ grantId: oidcModels.grantId });
      if (row) return;
      const [used] = await db
        .select({ grantId: oidcModels.grantId })
        .from(oidcModels)
        .where(and(eq(oidcModels.kind, this.kind), eq(oidcModels.id, id)));
      if (used?.grantId) await this.revokeByGrantId(used.grantId);
      throw new errors.InvalidGrant('grant request is invalid');
    }

    async destroy(id: string): Promise<void> {
      await db.delete(oidcModels).where(and(eq(oidcModels.kind, this.kind), eq(oidcModels.id, id)));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.delete(oidcModels).where(eq(oidcModels.grantId, grantId));
    }
  };
}

/** Housekeeping: drops rows past their expiry (the engine never reads them again). */
export async function pruneExpiredModels(db: Database, now: Date): Promise<number> {
  const pruned = await db.delete(oidcModels).where(lt(oidcModels.expiresAt, now)).returning({ id: oidcModels.id });
  return pruned.length;
}
