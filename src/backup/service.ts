import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { ConfigError } from '../platform/config.js';
import { createPglite, embeddedDataDir } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';

export const pgDumpAdvice =
  'This instance keeps its data in PostgreSQL (DATABASE_URL): back it up with pg_dump, e.g. pg_dump --format=custom "$DATABASE_URL" > foyer.dump, and restore with pg_restore.';

export const notEmbedded = () => new FoyerError(409, 'backup_not_embedded', pgDumpAdvice);

/**
 * A consistent snapshot of the running embedded database, as a gzipped tarball of its data directory. PGlite runs
 * one transaction at a time, so while this (empty) one is open no other is half-way through; the checkpoint puts
 * everything committed into the data files. Other queries wait for the moment it takes.
 */
export async function snapshotEmbedded(client: PGlite): Promise<Blob> {
  return client.transaction(async (tx) => {
    await tx.exec('checkpoint');
    return client.dumpDataDir('gzip');
  });
}

export const backupFileName = (now: Date) => `foyer-backup-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;

/**
 * Creates the embedded database of `dataDir` from a backup. Only into an empty (or missing) directory: a restore
 * never overwrites data. The secret key is not part of a backup, so the caller reminds the operator of it.
 */
export async function restoreEmbedded(file: string, dataDir: string): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new ConfigError(`FOYER_DATA_DIR (${dataDir}) is not empty. Restore only into an empty directory, so nothing is overwritten.`);
  }
  let backup: Uint8Array<ArrayBuffer>;
  try {
    backup = new Uint8Array(readFileSync(file));
  } catch {
    throw new ConfigError(`${file} cannot be read.`);
  }
  mkdirSync(embeddedDataDir(dataDir), { recursive: true });
  const client = await createPglite({ dataDir: embeddedDataDir(dataDir), loadDataDir: new Blob([backup]) });
  try {
    await client.query('select 1');
  } finally {
    await client.close();
  }
}
