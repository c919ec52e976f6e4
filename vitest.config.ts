import { defineConfig } from 'vitest/config';
import AlternatingSequencer from './test/sequencer.js';

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // Each test file owns its database, so files run in parallel safely; argon2 is CPU-bound, so not too many.
    pool: 'forks',
    // A worker runs its files one after another in one process, so a file costs its tests, not another import of
    // the server and another clone of the database (test/databases.ts): half the suite's time went to those.
    isolate: false,
    setupFiles: ['./test/setup-file.ts'],
    maxWorkers: 2,
    // e2e files run beside server files rather than after them all (see test/sequencer.ts).
    sequence: { sequencer: AlternatingSequencer },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'server', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['e2e/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
