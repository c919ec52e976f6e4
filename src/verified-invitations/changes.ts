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

/** Where the LISTEN connection reports trouble: a lost connection is worth a line, never a crash. */
export interface ChangesLog {
  warn(details: object, message: string): void;
}

/** How long to wait before listening again after the LISTEN connection failed. */
export const RELISTEN_MS = 1_000;

/**
 * Tells the live streams of this process when an invitation changed, on whichever instance the change was made.
 * One LISTEN connection per process fans out to every open stream. When it fails it is logged and listened again
 * (after RELISTEN_MS, while any stream is open). Notifications only make streams prompt: each stream also re-reads
 * its row every few seconds, so a lost connection delays an update, never loses it.
 */
export class InvitationChanges {
  private readonly emitter = new EventEmitter();
  private listening: Promise<(() => Promise<void>) | null> | null = null;
  private relisten: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly log: ChangesLog,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `onChange` whenever `invitationId` may have changed; returns the function that stops it. */
  subscribe(invitationId: string, onChange: () => void): () => void {
    this.closed = false;
    this.listening ??= this.listen();
    this.emitter.on(invitationId, onChange);
    return () => this.emitter.off(invitationId, onChange);
  }

  /** Resolves once this process is listening (or has given up for now); for tests and start-up checks. */
  async ready(): Promise<boolean> {
    return (await this.listening) !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.relisten) clearTimeout(this.relisten);
    this.relisten = null;
    const stop = await this.listening;
    this.listening = null;
    await stop?.().catch((error: unknown) => this.log.warn({ err: error }, 'verified invitations: UNLISTEN failed'));
  }

  /** The connection failed: say so, and listen again soon while anyone is watching. */
  private lost(error: unknown): void {
    this.listening = null;
    this.log.warn({ err: error }, 'verified invitations: live updates lost their LISTEN connection; listening again (streams poll meanwhile)');
    if (this.closed || this.relisten) return;
    this.relisten = setTimeout(() => {
      this.relisten = null;
      if (!this.closed && this.emitter.eventNames().length > 0) this.listening ??= this.listen();
    }, RELISTEN_MS);
    this.relisten.unref();
  }

  private async listen(): Promise<(() => Promise<void>) | null> {
    const client = (this.db as unknown as { $client: unknown }).$client;
    const deliver = (payload: string | undefined) => {
      if (payload) this.emitter.emit(payload);
    };
    try {
      if (isPglite(client)) return await client.listen(CHANNEL, deliver);
      if (isPool(client)) return await this.listenOnPool(client, deliver);
    } catch (error) {
      this.lost(error);
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
      release(error);
      this.lost(error);
    });
    try {
      await connection.query(`listen ${CHANNEL}`);
    } catch (error) {
      release(error as Error);
      throw error;
    }
    return async () => {
      if (released) return;
      try {
        await connection.query(`unlisten ${CHANNEL}`);
      } finally {
        release();
      }
    };
  }
}
