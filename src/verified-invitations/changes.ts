import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Database } from '../platform/db.js';

const CHANNEL = 'foyer_verified_invitations';

/**
 * Announces that an invitation changed. Call inside the transaction of the change: PostgreSQL delivers a NOTIFY only
 * when the transaction commits, so listeners never see a change that was rolled back. PGlite does the same in process.
 */
export async function notifyChange(tx: Database, invitationId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${invitationId})`);
}

interface PgliteClient {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

const isPglite = (client: unknown): client is PgliteClient => typeof (client as PgliteClient | undefined)?.listen === 'function';
const isPool = (client: unknown): client is pg.Pool => typeof (client as pg.Pool | undefined)?.connect === 'function';

/**
 * Tells the live streams of this process when an invitation changed, on whichever instance the change was made.
 * One LISTEN connection per process fans out to every open stream. Notifications only make streams prompt: each
 * stream also re-reads its row every few seconds, so a lost connection or a missed notification delays an update,
 * never loses it.
 */
export class InvitationChanges {
  private readonly emitter = new EventEmitter();
  private listening: Promise<(() => Promise<void>) | null> | null = null;

  constructor(private readonly db: Database) {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `onChange` whenever `invitationId` may have changed; returns the function that stops it. */
  subscribe(invitationId: string, onChange: () => void): () => void {
    this.listening ??= this.listen();
    this.emitter.on(invitationId, onChange);
    return () => this.emitter.off(invitationId, onChange);
  }

  async close(): Promise<void> {
    const stop = await this.listening;
    this.listening = null;
    await stop?.().catch(() => undefined);
  }

  private async listen(): Promise<(() => Promise<void>) | null> {
    const client = (this.db as unknown as { $client: unknown }).$client;
    const deliver = (payload: string | undefined) => {
      if (payload) this.emitter.emit(payload);
    };
    try {
      if (isPglite(client)) return await client.listen(CHANNEL, deliver);
      if (isPool(client)) return await this.listenOnPool(client, deliver);
    } catch {
      // Polling carries on alone; the next stream to open tries listening again.
      this.listening = null;
    }
    return null;
  }

  private async listenOnPool(pool: pg.Pool, deliver: (payload: string | undefined) => void) {
    const connection = await pool.connect();
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      connection.release(error);
    };
    connection.on('notification', (message) => deliver(message.payload));
    connection.on('error', (error) => {
      this.listening = null;
      release(error);
    });
    try {
      await connection.query(`listen ${CHANNEL}`);
    } catch (error) {
      release(error as Error);
      throw error;
    }
    return async () => {
      if (released) return;
      await connection.query(`unlisten ${CHANNEL}`).catch(() => undefined);
      release();
    };
  }
}
