import { defineConfig } from 'vitest/config';
import AlternatingSequencer from './test/sequencer.js';

/**
 * Every test runs on the embedded PGlite; given TEST_DATABASE_URL (a PostgreSQL server whose user may CREATE
 * DATABASE), every test also runs on PostgreSQL, in the same run: projects `server` and `e2e` are PGlite,
 * `server-postgres` and `e2e-postgres` PostgreSQL. One run for both keeps both cores busy to the end and checks
 * types, lint and the build once (`npm test`).
 */
const postgresUrl = process.env.TEST_DATABASE_URL;
const globalSetup = ['./test/global-setup.ts'];
const databases = [
  { suffix: '', url: '' },
  ...(postgresUrl ? [{ suffix: '-postgres', url: postgresUrl }] : []),
];

export default defineConfig({
  test: {
    // Each worker owns its database, so files run in parallel safely. Two, one per core: three made no run faster
    // (18m13s against 18m23s for the whole CI) and doubled the slowest browser flow.
    pool: 'forks',
    maxWorkers: 2,
    // A worker runs its files one after another in one process, so a file costs its tests, not another import of
    // the server and another clone of the database (test/databases.ts): half the suite's time went to those.
    isolate: false,
    setupFiles: ['./test/setup-file.ts'],
    // e2e files run beside server files rather than after them all (see test/sequencer.ts).
    sequence: { sequencer: AlternatingSequencer },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each project sets up its own template (test/global-setup.ts); given at the root, the root would build one more.
    projects: databases.flatMap(({ suffix, url }) => [
      { extends: true, test: { name: `server${suffix}`, globalSetup, include: ['src/**/*.test.ts', 'test/**/*.test.ts'], env: { TEST_DATABASE_URL: url } } },
      { extends: true, test: { name: `e2e${suffix}`, globalSetup, include: ['e2e/**/*.test.ts'], testTimeout: 120_000, env: { TEST_DATABASE_URL: url } } },
    ]),
  },
});
