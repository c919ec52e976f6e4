import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { prepareDatabase } from '../app.js';
import { rotateKeysCommand } from '../apps/background.js';
import { notEmbedded, pgDumpAdvice, restoreEmbedded, snapshotEmbedded } from '../backup/service.js';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { embeddedClient, openDatabase, type DatabaseHandle } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { createLogger } from '../platform/logging.js';
import type { Tracing } from '../platform/tracing.js';
import { bootstrapFirstAdmin } from '../setup/service.js';
import { createAdminWithSetPasswordLink } from './create-admin.js';
import { serve } from './serve.js';
import { describeBootstrap } from './setup-link.js';

const USAGE = `Usage: foyer <command>

Commands:
  serve                                   run the server (default)
  migrate                                 apply database migrations and exit
  create-admin --email E --name N [--username U]
                                          create an administrator and print a one-time set-password link
  setup-link                              print a new one-time setup link while no administrator exists
  backup <file>                           write a backup of the embedded database (stop Foyer first)
  restore <file>                          restore a backup into an empty FOYER_DATA_DIR
  keys rotate                             sign app tokens with new keys (the old ones stay published for a day)`;

async function openPrepared(config: Config): Promise<DatabaseHandle> {
  const log = createLogger(config);
  const handle = await openDatabase(config, {
    onConnectionError: (error) => log.warn({ err: error }, 'a database connection was lost'),
  });
  await prepareDatabase(handle);
  return handle;
}

/** Commands that work on an open, migrated database and then exit. */
async function withDatabase(config: Config, work: (handle: DatabaseHandle) => Promise<void>): Promise<void> {
  const handle = await openPrepared(config);
  try {
    await work(handle);
  } finally {
    await handle.close();
  }
}

const fileArgument = (rest: string[], command: string): string => {
  const [file] = rest;
  if (!file) throw new ConfigError(`${command} needs a file: foyer ${command} <file>.`);
  return file;
};

async function run(command: string, rest: string[], tracing: Tracing | null): Promise<void> {
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config, await openPrepared(config), tracing);
    case 'migrate':
      return withDatabase(config, async () => console.log('Migrations applied.'));
    case 'create-admin': {
      const { values } = parseArgs({
        args: rest,
        options: { email: { type: 'string' }, name: { type: 'string' }, username: { type: 'string' } },
      });
      const { email, name } = values;
      if (!email || !name) throw new ConfigError('create-admin needs --email and --name.');
      return withDatabase(config, async (handle) => {
        const link = await createAdminWithSetPasswordLink(handle.db, config, { email, name, username: values.username ?? email.split('@')[0]! });
        console.log(`Administrator ${email} created. Send them this one-time link (valid 24 hours) to set a password:\n${link}`);
      });
    }
    case 'setup-link':
      return withDatabase(config, async (handle) => {
        const announcement = describeBootstrap(await bootstrapFirstAdmin(handle.db, config));
        if (!announcement) throw new ConfigError('This instance already has users. To add an administrator, use: foyer create-admin --email E --name N');
        process.stdout.write(announcement);
      });
    case 'keys':
      if (rest[0] !== 'rotate') throw new ConfigError('Usage: foyer keys rotate');
      return withDatabase(config, async (handle) => console.log(await rotateKeysCommand(handle.db, config)));
    case 'backup': {
      const file = fileArgument(rest, 'backup');
      if (config.databaseUrl) throw new ConfigError(pgDumpAdvice);
      return withDatabase(config, async (handle) => {
        const client = embeddedClient(handle.db);
        if (!client) throw notEmbedded();
        writeFileSync(file, Buffer.from(await (await snapshotEmbedded(client)).arrayBuffer()), { mode: 0o600 });
        console.log(`Backup written to ${file}. Keep it as safe as the data directory: it holds every account and credential hash.`);
      });
    }
    case 'restore': {
      const file = fileArgument(rest, 'restore');
      if (config.databaseUrl) throw new ConfigError('restore is for the embedded database. On PostgreSQL, use pg_restore.');
      await restoreEmbedded(file, config.dataDir);
      // A backup from an older Foyer gets this version's migrations now rather than at the first start.
      await withDatabase(config, async () => undefined);
      console.log(`Restored ${file} into ${config.dataDir}.`);
      if (!config.secretKey) {
        console.log('A backup does not hold the secret key: copy secret.key from the old data directory into this one (or set FOYER_SECRET_KEY), or enter stored secrets such as the SMTP password again.');
      }
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

export async function runCommand(argv: string[], tracing: Tracing | null): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'help' || command === '--help') {
    console.log(USAGE);
    return;
  }
  try {
    await run(command, rest, tracing);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof FoyerError) {
      console.error(`foyer: ${error.message}`);
    } else {
      createLogger({ logLevel: 'fatal', logFormat: undefined }).fatal({ err: error }, 'Foyer failed to start');
    }
    process.exit(1);
  }
}
