import { recordAudit, systemContext } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { secretBox } from '../platform/secrets.js';
import { pruneExpiredModels } from './provider/adapter.js';
import { ensureEngineKeys, pruneRetiredKeys, rotateSigningKeys } from './provider/keys.js';
import { createLogoutWorker, pruneDeliveredLogouts } from './provider/logout-delivery.js';

interface Log {
  info(message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * What `serve` runs beside the HTTP server: the signing keys made on first start, and the back-channel logout
 * worker. Without an instance key (PostgreSQL and no FOYER_SECRET_KEY) Foyer still starts; only app sign-in waits.
 */
export async function startApps(db: Database, config: Config, log: Log): Promise<{ stop(): Promise<void> }> {
  const box = secretBox(config);
  try {
    await ensureEngineKeys(db, box, new Date());
  } catch (error) {
    if (!(error instanceof FoyerError)) throw error;
    log.warn({ code: error.code }, `Apps cannot sign people in yet: ${error.message}`);
  }
  const worker = createLogoutWorker({ db, issuer: config.publicUrl.origin, box, log });
  worker.start();
  return { stop: () => worker.stop() };
}

/** Housekeeping: expired engine rows, keys retired long enough ago, and old delivered logout notices. */
export async function pruneApps(db: Database, now: Date): Promise<void> {
  await pruneExpiredModels(db, now);
  await pruneRetiredKeys(db, now);
  await pruneDeliveredLogouts(db, now);
}

/** `foyer keys rotate`: new signing keys from now on; the old ones stay published until what they signed expired. */
export async function rotateKeysCommand(db: Database, config: Config): Promise<string> {
  const now = new Date();
  const box = secretBox(config);
  await ensureEngineKeys(db, box, now);
  const { retired } = await rotateSigningKeys(db, box, now);
  await recordAudit(db, systemContext(now), { action: 'app.keys_rotated', details: { retired } });
  return `New signing keys are in use. The ${retired} previous keys stay published for 24 hours so tokens they signed still verify.`;
}
