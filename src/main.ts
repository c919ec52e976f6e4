import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { buildApp, prepareDatabase } from './app.js';
import { pruneExpiredChallenges } from './auth/passkeys/challenges.js';
import { pruneExpiredSessions } from './auth/sessions/service.js';
import { pruneSignInThrottles } from './auth/throttling/service.js';
import { ConfigError, loadConfig, type Config } from './platform/config.js';
import { openDatabase, type DatabaseHandle } from './platform/db.js';
import { FoyerError } from './platform/errors.js';
import { createMailWorker } from './mail/worker.js';
import { pruneRateLimits } from './platform/rate-limits/limiter.js';
import { createAdminWithSetPasswordLink } from './cli/create-admin.js';
import { bootstrapFirstAdmin } from './setup/service.js';
import { pruneApps, rotateKeysCommand, startApps } from './apps/background.js';

const USAGE = `Usage: foyer <command>

Commands:
  serve                                   run the server (default)
  migrate                                 apply database migrations and exit
  create-admin --email E --name N [--username U]
                                          create an administrator and print a one-time set-password link
  keys rotate                             sign app tokens with new keys (the old ones stay published for a day)`;

const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

async function serve(config: Config, handle: DatabaseHandle): Promise<void> {
  const app = await buildApp({ db: handle.db, config });
  const outcome = await bootstrapFirstAdmin(handle.db, config);
  if (outcome.kind === 'admin_created') app.log.info('Created the first administrator from FOYER_BOOTSTRAP_ADMIN_EMAIL.');
  if (outcome.kind === 'setup_link') {
    // The one secret Foyer ever prints: the operator has no other way to reach a brand-new instance.
    app.log.warn(`No administrator yet. Open this one-time setup link within 1 hour: ${outcome.url}`);
  }
  const housekeeping = setInterval(() => {
    const now = new Date();
    Promise.all([
      pruneExpiredSessions(handle.db, now),
      pruneExpiredChallenges(handle.db, now),
      pruneRateLimits(handle.db, new Date(now.getTime() - 60 * 60 * 1000)),
      pruneSignInThrottles(handle.db, now),
      pruneApps(handle.db, now),
    ]).catch((error: unknown) => app.log.error({ err: error }, 'housekeeping failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  const mailWorker = createMailWorker({ db: handle.db, config, log: app.log });
  mailWorker.start();
  const apps = await startApps(handle.db, config, app.log);

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, shutting down`);
    clearInterval(housekeeping);
    await mailWorker.stop();
    await apps.stop();
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Foyer is ready at ${config.publicUrl.origin} (database: ${handle.kind})`);
}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const handle = await openDatabase(config, {
    onConnectionError: (error) => log.warn({ err: error }, 'a database connection was lost'),
  });
  await prepareDatabase(handle);
  switch (command) {
    case 'serve':
      return serve(config, handle);
    case 'migrate':
      console.log('Migrations applied.');
      break;
    case 'create-admin': {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: 'string' }, name: { type: 'string' }, username: { type: 'string' } },
      });
      if (!values.email || !values.name) throw new ConfigError('create-admin needs --email and --name.');
      const link = await createAdminWithSetPasswordLink(handle.db, config, {
        email: values.email,
        name: values.name,
        username: values.username ?? values.email.split('@')[0]!,
      });
      console.log(`Administrator ${values.email} created. Send them this one-time link (valid 24 hours) to set a password:\n${link}`);
      break;
    }
    case 'keys':
      if (rest[0] !== 'rotate') throw new ConfigError('Usage: foyer keys rotate');
      console.log(await rotateKeysCommand(handle.db, config));
      break;
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
  await handle.close();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof FoyerError) {
    console.error(`foyer: ${error.message}`);
  } else {
    pino().fatal({ err: error }, 'Foyer failed to start');
  }
  process.exit(1);
});
