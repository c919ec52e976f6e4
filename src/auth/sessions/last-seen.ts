import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db.js';

/** How long a noted use waits for others to share its statement. */
export const LAST_SEEN_FLUSH_MS = 1000;
/** Sessions per statement, so a burst after a quiet minute stays a few modest statements. */
const BATCH_SIZE = 500;

export interface Seen {
  at: Date;
  idleExpiresAt: Date;
}

/**
 * Last-seen times (and the idle expiry that slides with them) are noted in memory and written for every session of
 * the last second in one statement, instead of an UPDATE inside the request that noticed the minute had passed. The
 * session check asks `noted` first, so a use this process noted counts before it is written; other
 * instances see it within the second, which does not matter against a 7-day idle limit. A session ended meanwhile
 * stays ended: the statement only updates rows that still exist, and never moves a time backwards.
 */
export interface LastSeen {
  note(sessionId: string, seen: Seen): void;
  /** The latest use of the session noted here, which may not be written yet. */
  noted(sessionId: string): Seen | undefined;
  /** Writes what is noted; the app calls it when it closes, so nothing noted is lost on a clean shutdown. */
  flush(): Promise<void>;
}

export function lastSeenBatch(db: Database, onError: (error: unknown) => void): LastSeen {
  let noted = new Map<string, Seen>();
  // The batch last handed to the database stays visible until the next one: a session check that read its row just
  // before that statement committed still finds the use.
  let handedOver = new Map<string, Seen>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  async function write(batch: Map<string, Seen>): Promise<void> {
    const entries = [...batch];
    for (let start = 0; start < entries.length; start += BATCH_SIZE) {
      const rows = entries
        .slice(start, start + BATCH_SIZE)
        .map(([id, seen]) => sql`(${id}, ${seen.at.toISOString()}::timestamptz, ${seen.idleExpiresAt.toISOString()}::timestamptz)`);
      await db.execute(sql`
        update sessions s
        set last_seen_at = greatest(s.last_seen_at, v.seen_at), idle_expires_at = greatest(s.idle_expires_at, v.idle_expires_at)
        from (values ${sql.join(rows, sql`, `)}) as v(id, seen_at, idle_expires_at)
        where s.id = v.id`);
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    handedOver = noted;
    noted = new Map();
    if (handedOver.size > 0) {
      const batch = handedOver;
      // One write at a time: a later batch never lands before an earlier one.
      writing = writing.then(() => write(batch)).catch(onError);
    }
    return writing;
  }

  return {
    note(sessionId, seen) {
      noted.set(sessionId, seen);
      timer ??= setTimeout(() => void flush(), LAST_SEEN_FLUSH_MS).unref();
    },
    noted: (sessionId) => noted.get(sessionId) ?? handedOver.get(sessionId),
    flush,
  };
}
