import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Traced } from '../platform/tracing.js';
import {
  CAPTURED_LOG_MESSAGE,
  claimDueMail,
  deliverClaimed,
  LEASE_MS,
  nodemailerTransport,
  type DeliveryOutcome,
  type TransportFactory,
} from './delivery.js';
import type { MailRow } from './schema.js';
import { resolveMailDelivery } from './settings.js';

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Wraps each delivery, to measure or trace it (src/metrics, platform/tracing.ts). */
export type DeliveryInstrument = (row: MailRow, deliver: () => Promise<DeliveryOutcome>) => Promise<DeliveryOutcome>;

/** Each delivery in a span of its own (platform/tracing.ts), with its template, attempt and outcome, never its recipient. */
export const tracedDelivery =
  (traced: Traced): DeliveryInstrument =>
  (row, deliver) =>
    traced('mail.deliver', { 'foyer.mail.template': row.template, 'foyer.mail.attempt': row.attempts }, async (span) => {
      const outcome = await deliver();
      span.setAttribute('foyer.mail.outcome', outcome.status);
      return outcome;
    });

export interface MailWorkerOptions {
  db: Database;
  config: Config;
  log: Log;
  createTransport?: TransportFactory;
  now?: () => Date;
  pollIntervalMs?: number;
  batchSize?: number;
  leaseMs?: number;
  instrument?: DeliveryInstrument;
}

export interface DeliveryRound {
  sent: number;
  captured: number;
  retrying: number;
  failed: number;
}

export interface MailWorker {
  /** Delivers everything due now, batch after batch, and says what happened. */
  deliverDue(): Promise<DeliveryRound>;
  /** Polls until stopped. */
  start(): void;
  /** Asks for a round as soon as possible (for example right after a transaction that enqueued mail committed). */
  wake(): void;
  /** Finishes the round in progress and stops polling. */
  stop(): Promise<void>;
}

const FAILED_ROUND_PAUSE_MS = 30_000;

// Every worker of this process, so code that enqueued mail can wake them without being handed one.
const runningWorkers = new Set<MailWorker>();

/** Call after committing a transaction that enqueued mail; without it the mail still goes out at the next poll. */
export function wakeMailWorkers(): void {
  for (const worker of runningWorkers) worker.wake();
}

export function createMailWorker(options: MailWorkerOptions): MailWorker {
  const { db, config, log } = options;
  const createTransport = options.createTransport ?? nodemailerTransport;
  const now = options.now ?? (() => new Date());
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const instrument: DeliveryInstrument = options.instrument ?? ((_row, deliver) => deliver());

  async function deliverDue(): Promise<DeliveryRound> {
    const round: DeliveryRound = { sent: 0, captured: 0, retrying: 0, failed: 0 };
    // Read before claiming: a setting that cannot be used (an undecryptable password) must not use up attempts.
    const delivery = await resolveMailDelivery(db, config);
    for (;;) {
      const claimed = await claimDueMail(db, now(), batchSize, leaseMs);
      if (claimed.length === 0) return round;
      const transport = delivery.mode === 'smtp' ? createTransport(delivery.transport) : null;
      try {
        for (const row of claimed) {
          const outcome = await instrument(row, () => deliverClaimed(db, row, delivery, transport, now));
          const details = { messageId: row.id, template: row.template, attempt: row.attempts };
          switch (outcome.status) {
            case 'sent':
              round.sent += 1;
              log.info(details, 'mail sent');
              break;
            case 'captured':
              round.captured += 1;
              log.info({ ...details, to: row.recipient, subject: row.subject }, CAPTURED_LOG_MESSAGE);
              break;
            case 'queued':
              round.retrying += 1;
              log.warn({ ...details, reason: outcome.reason }, 'mail delivery failed, will retry');
              break;
            case 'failed':
              round.failed += 1;
              log.warn({ ...details, reason: outcome.reason }, 'mail delivery failed for good');
              break;
            case 'lost':
              log.warn(details, 'mail delivery took longer than the lease; another worker took the message over');
          }
        }
      } finally {
        transport?.close();
      }
      if (claimed.length < batchSize) return round;
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  const schedule = (delayMs: number) => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(tick, delayMs);
    timer.unref();
  };

  function tick(): void {
    if (running) {
      again = true;
      return;
    }
    let failed = false;
    running = deliverDue()
      .then(() => undefined)
      .catch((error: unknown) => {
        failed = true;
        log.error({ err: error }, 'mail delivery round failed');
      })
      .finally(() => {
        running = undefined;
        const soon = again && !failed;
        again = false;
        // A round fails when the database or the mail settings cannot be read: no point asking again every 2 s.
        schedule(soon ? 0 : failed ? Math.max(pollIntervalMs, FAILED_ROUND_PAUSE_MS) : pollIntervalMs);
      });
  }

  const worker: MailWorker = {
    deliverDue,
    start() {
      if (!stopped) return;
      stopped = false;
      runningWorkers.add(worker);
      schedule(0);
    },
    wake() {
      if (stopped) return;
      // During a round, a timer set now would be replaced by the one the round sets as it ends, and the wake-up
      // lost until the next poll: the round runs again at once instead.
      if (running) again = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      runningWorkers.delete(worker);
      clearTimeout(timer);
      await running;
    },
  };
  return worker;
}
