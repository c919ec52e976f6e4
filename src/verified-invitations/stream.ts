import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InvitationChanges } from './changes.js';

/** How often an open stream re-reads its invitation, whatever notifications say. Also notices timeouts. */
export const POLL_MS = 2_000;
/** Proxies close connections that stay silent; a comment line now and then keeps the stream open. */
export const HEARTBEAT_MS = 15_000;

export interface Snapshot {
  version: number;
  view: unknown;
  terminal: boolean;
}

/** Every open stream of this process, so shutting down can end them instead of waiting for clients to leave. */
export class OpenStreams {
  private readonly ends = new Set<() => void>();
  add(end: () => void): () => void {
    this.ends.add(end);
    return () => this.ends.delete(end);
  }
  endAll(): void {
    for (const end of [...this.ends]) end();
  }
}

/**
 * Serves Server-Sent Events: a `state` event with the caller's view whenever the invitation changed, until it reaches
 * a terminal state. The caller is authorised before this is called; `load` reads the current state afresh.
 */
export async function streamInvitation(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { changes: InvitationChanges; streams: OpenStreams; invitationId: string; load: () => Promise<Snapshot> },
): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // nginx would otherwise buffer the stream and deliver events late.
    'x-accel-buffering': 'no',
  });

  let lastVersion = -1;
  let ended = false;
  let reading = false;
  let readAgain = false;

  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    forget();
    clearInterval(poll);
    clearInterval(heartbeat);
    raw.end();
  };

  // Reads one at a time; a change arriving mid-read triggers one more read, so the last change is never missed.
  const refresh = async () => {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    try {
      do {
        readAgain = false;
        const snapshot = await deps.load();
        if (ended) return;
        if (snapshot.version !== lastVersion) {
          lastVersion = snapshot.version;
          raw.write(`event: state\ndata: ${JSON.stringify(snapshot.view)}\n\n`);
        }
        if (snapshot.terminal) return end();
      } while (readAgain && !ended);
    } catch (error) {
      request.log.warn({ err: error }, 'verified invitation stream failed');
      end();
    } finally {
      reading = false;
    }
  };

  const unsubscribe = deps.changes.subscribe(deps.invitationId, () => void refresh());
  const forget = deps.streams.add(end);
  const poll = setInterval(() => void refresh(), POLL_MS);
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
  request.raw.on('close', end);
  await refresh();
}
