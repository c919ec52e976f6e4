import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { prepareDatabase } from '../src/app.js';
import { createPglite, openPostgres, wrapPglite } from '../src/platform/db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of a migrated data-dir dump. PostgreSQL: name of the migrated template database. */
    testDatabaseTemplate: string;
  }
}

/**
 * Migrating a fresh database costs seconds; cloning a migrated one costs a fraction. So the suite migrates one
 * template per run and every test file clones it: PGlite through a data-dir dump, PostgreSQL through
 * CREATE DATABASE … TEMPLATE.
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `foyer_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const handle = openPostgres(withDatabase(url, name));
    await prepareDatabase(handle);
    await handle.close();
    project.provide('testDatabaseTemplate', name);
    return async () => {
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'foyer-template-'));
  const client = await createPglite();
  await prepareDatabase(wrapPglite(client));
  const dump = await client.dumpDataDir('none');
  await client.close();
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('testDatabaseTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
