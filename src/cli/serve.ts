import { buildApp } from '../app.js';
import { pruneApps, startApps } from '../apps/background.js';
import { pruneExpiredChallenges } from '../auth/passkeys/challenges.js';
import { pruneExpiredSessions } from '../auth/sessions/service.js';
import { pruneSignInThrottles } from '../auth/throttling/service.js';
import { createMailWorker, tracedDelivery, type DeliveryInstrument } from '../mail/worker.js';
import { createMetrics } from '../metrics/metrics.js';
import type { Config } from '../platform/config.js';
import { embeddedClient, type DatabaseHandle } from '../platform/db.js';
import { SETUP_LINK_KEY } from '../platform/log-redaction.js';
import { pruneRateLimits } from '../platform/rate-limits/limiter.js';
import { pruneRetained } from '../platform/retention.js';
import type { Tracing } from '../platform/tracing.js';
import { bootstrapFirstAdmin } from '../setup/service.js';
import { pruneHalfMadeAccounts } from '../signup-links/joining.js';
import { describeBootstrap } from './setup-link.js';

const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

/** Each instrument wraps the next: the delivery is measured and traced once. */
const chain = (instruments: (DeliveryInstrument | undefined)[]): DeliveryInstrument =>
  instruments.reduce<DeliveryInstrument>(
    (inner, outer) => (outer ? (row, deliver) => outer(row, () => inner(row, deliver)) : inner),
    (_row, deliver) => deliver(),
  );

export async function serve(config: Config, handle: DatabaseHandle, tracing: Tracing | null): Promise<void> {
  const embedded = embeddedClient(handle.db);
  if (tracing && embedded) tracing.instrumentEmbedded(embedded);
  const metrics = config.metricsToken ? createMetrics(handle.db) : undefined;
  const app = await buildApp({ db: handle.db, config, metrics });
  const outcome = await bootstrapFirstAdmin(handle.db, config);

  const housekeeping = setInterval(() => {
    const now = new Date();
    Promise.all([
      pruneExpiredSessions(handle.db, now),
      pruneExpiredChallenges(handle.db, now),
      pruneRateLimits(handle.db, new Date(now.getTime() - 60 * 60 * 1000)),
      pruneSignInThrottles(handle.db, now),
      pruneRetained(handle.db, config.retention, now),
      pruneApps(handle.db, now),
      pruneHalfMadeAccounts(handle.db, now),
    ]).catch((error: unknown) => app.log.error({ err: error }, 'housekeeping failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  const measured: DeliveryInstrument | undefined = metrics
    ? async (_row, deliver) => {
        const delivered = await deliver();
        metrics.mailDelivered(delivered.status);
        return delivered;
      }
    : undefined;
  const mailWorker = createMailWorker({ db: handle.db, config, log: app.log, instrument: chain([measured, tracing ? tracedDelivery(tracing.traced) : undefined]) });
  mailWorker.start();
  const apps = await startApps(handle.db, config, app.log);

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, shutting down`);
    clearInterval(housekeeping);
    await mailWorker.stop();
    await apps.stop();
    await app.close();
    await handle.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Foyer is ready at ${config.publicUrl.origin} (database: ${handle.kind})`);
  // The one secret Foyer logs on purpose (API.md: the setup link is printed to the log), under the one exempt key;
  // the block below says the same in plain words for a person reading the terminal.
  if (outcome.kind === 'setup_link') app.log.warn({ [SETUP_LINK_KEY]: outcome.url }, 'No administrator yet: open the one-time setup link.');
  const announcement = describeBootstrap(outcome);
  if (announcement) process.stdout.write(announcement);
}
