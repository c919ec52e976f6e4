import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../src/app.js';
import { createPglite, embeddedDataDir, openPostgres, wrapPglite } from '../src/platform/db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of a migrated data-dir dump. PostgreSQL: name of the migrated template database. */
    testDatabaseTemplate: string;
    /** For e2e's Foyer processes: PGlite, a migrated FOYER_DATA_DIR to copy; PostgreSQL, the template database. */
    foyerDataTemplate: string;
  }
}

/**
 * Migrating a fresh database costs seconds; cloning a migrated one costs a fraction. So the suite migrates one
 * template per run and every test file clones it: PGlite through a data-dir dump, PostgreSQL through
 * CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
  // The project's database (vitest.config.ts): the `-postgres` projects run on TEST_DATABASE_URL, the others on PGlite.
  const url = project.name.endsWith('-postgres') ? process.env.TEST_DATABASE_URL : undefined;
  return project.name.startsWith('e2e') ? foyerDataTemplate(project, url) : testDatabaseTemplate(project, url);
}

async function testDatabaseTemplate(project: TestProject, url: string | undefined) {
  if (url) {
    const name = `foyer_template_${process.pid}`;
    project.provide('testDatabaseTemplate', name);
    return migratedTemplateDatabase(url, name);
  }
  const dir = mkdtempSync(join(tmpdir(), 'foyer-template-'));
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await (await migratedPgliteDump()).arrayBuffer()));
  project.provide('testDatabaseTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * Each e2e flow starts its own `foyer serve`; migrating its empty database took most of its start (about 4 s of 6
 * on PGlite). So the flows start from one migrated copy: a data directory copied per Foyer, or on PostgreSQL a
 * template database.
 */
async function foyerDataTemplate(project: TestProject, url: string | undefined) {
  if (url) {
    const name = `foyer_e2e_template_${process.pid}`;
    project.provide('foyerDataTemplate', name);
    return migratedTemplateDatabase(url, name);
  }
  const dir = mkdtempSync(join(tmpdir(), 'foyer-e2e-template-'));
  // The same migrated database as the server tests', loaded into a data directory as a backup restore does.
  mkdirSync(embeddedDataDir(dir), { recursive: true });
  const client = await createPglite({ dataDir: embeddedDataDir(dir), loadDataDir: await migratedPgliteDump() });
  await client.close();
  project.provide('foyerDataTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** PGlite migrated once per run (a few seconds) for both PGlite projects: the data directory as a tar dump. */
let pgliteDump: Promise<Blob> | undefined;
function migratedPgliteDump(): Promise<Blob> {
  pgliteDump ??= (async () => {
    const client = await createPglite();
    await prepareDatabase(wrapPglite(client));
    const dump = await client.dumpDataDir('none');
    await client.close();
    return dump;
  })();
  return pgliteDump;
}

/** Creates and migrates database `name` on the server at `url`; the returned teardown drops it. */
async function migratedTemplateDatabase(url: string, name: string) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const handle = openPostgres(withDatabase(url, name));
  await prepareDatabase(handle);
  await handle.close();
  return async () => {
    // The workers' clones (test/databases.ts) live as long as the workers, so they go here, after the run.
    const clones = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${name}_clone_%`]);
    for (const { datname } of clones.rows) await admin.query(`drop database if exists ${datname} with (force)`);
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
