import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { importJWK, SignJWT, type JWK } from 'jose';
import type { Database } from '../../platform/db.js';
import type { SecretBox } from '../../platform/secrets.js';
import { appLogoutDeliveries } from '../schema.js';
import { loadEngineKeys } from './keys.js';

const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 10;
const TIMEOUT_MS = 5_000;
/** 30 s, 1 min, 2 min … up to 6 hours between tries: an app that is down for a while still hears of it. */
const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 6 * 60 * 60 * 1000);

export async function queueLogoutNotice(db: Database, notice: { clientId: string; uri: string; userId: string; now: Date }): Promise<void> {
  await db.insert(appLogoutDeliveries).values({ ...notice, status: 'queued', nextAttemptAt: notice.now, createdAt: notice.now });
}

interface Log {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface LogoutWorker {
  deliverDue(): Promise<{ sent: number; retrying: number; failed: number }>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Delivers queued back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4-2.5): claims rows with a
 * lease, so several instances share the queue and a crashed worker's rows are taken over once the lease lapses.
 */
export function createLogoutWorker(options: {
  db: Database;
  issuer: string;
  box: SecretBox;
  log: Log;
  now?: () => Date;
  pollIntervalMs?: number;
}): LogoutWorker {
  const { db, issuer, box, log } = options;
  const now = options.now ?? (() => new Date());

  async function claim(at: Date) {
    return db.transaction(async (tx) => {
      const due = await tx
        .select({ id: appLogoutDeliveries.id })
        .from(appLogoutDeliveries)
        .where(
          sql`(${appLogoutDeliveries.status} = 'queued' and ${appLogoutDeliveries.nextAttemptAt} <= ${at})
            or (${appLogoutDeliveries.status} = 'sending' and ${appLogoutDeliveries.lockedUntil} <= ${at})`,
        )
        .limit(20)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(appLogoutDeliveries)
        .set({ status: 'sending', lockedUntil: new Date(at.getTime() + LEASE_MS), attempts: sql`${appLogoutDeliveries.attempts} + 1` })
        .where(inArray(appLogoutDeliveries.id, due.map((d) => d.id)))
        .returning();
    });
  }

  async function logoutToken(clientId: string, userId: string, at: Date): Promise<string> {
    const { jwks } = await loadEngineKeys(db, box);
    const jwk = jwks.keys.find((k) => (k as { alg?: string }).alg === 'ES256') as JWK & { kid: string };
    return new SignJWT({ sub: userId, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'logout+jwt' })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setIssuedAt(Math.floor(at.getTime() / 1000))
      .setExpirationTime(Math.floor(at.getTime() / 1000) + 120)
      .setJti(randomUUID())
      .sign(await importJWK(jwk, 'ES256'));
  }

  async function deliverDue() {
    const round = { sent: 0, retrying: 0, failed: 0 };
    for (;;) {
      const at = now();
      const rows = await claim(at);
      if (rows.length === 0) return round;
      for (const row of rows) {
        let problem: string | null = null;
        try {
          const response = await fetch(row.uri, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ logout_token: await logoutToken(row.clientId, row.userId, at) }),
            signal: AbortSignal.timeout(TIMEOUT_MS),
          });
          if (response.status !== 200 && response.status !== 204) problem = `the app answered ${response.status}`;
        } catch (error) {
          problem = (error as Error).message;
        }
        const mine = and(eq(appLogoutDeliveries.id, row.id), eq(appLogoutDeliveries.status, 'sending'));
        if (!problem) {
          await db.update(appLogoutDeliveries).set({ status: 'sent', lockedUntil: null, lastError: null }).where(mine);
          round.sent += 1;
          continue;
        }
        const giveUp = row.attempts >= MAX_ATTEMPTS;
        await db
          .update(appLogoutDeliveries)
          .set({
            status: giveUp ? 'failed' : 'queued',
            lockedUntil: null,
            lastError: problem.slice(0, 500),
            nextAttemptAt: new Date(now().getTime() + retryDelayMs(row.attempts)),
          })
          .where(mine);
        log.warn({ deliveryId: row.id, clientId: row.clientId, attempt: row.attempts, reason: problem }, giveUp ? 'back-channel logout failed for good' : 'back-channel logout failed, will retry');
        round[giveUp ? 'failed' : 'retrying'] += 1;
      }
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  const tick = () => {
    running = deliverDue()
      .catch((error: unknown) => log.error({ err: error }, 'back-channel logout round failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, options.pollIntervalMs ?? 5_000).unref();
      });
  };
  return {
    deliverDue,
    start() {
      stopped = false;
      tick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Housekeeping: delivered notices older than a week are history nobody reads. */
export async function pruneDeliveredLogouts(db: Database, now: Date): Promise<void> {
  await db
    .delete(appLogoutDeliveries)
    .where(and(eq(appLogoutDeliveries.status, 'sent'), lte(appLogoutDeliveries.createdAt, new Date(now.getTime() - 7 * 24 * 60 * 60 * 1000))));
}
