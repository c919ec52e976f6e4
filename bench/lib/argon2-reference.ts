import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMS } from '../../src/auth/passwords/hashing.js';

/**
 * The physical limit of password sign-in: argon2id verifications per second in one Node process (the same libuv
 * thread pool a Foyer process has), kept busy by `concurrency` callers. Prints one number.
 */
const concurrency = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 10);
const stored = await hash('correct horse battery', ARGON2_PARAMS);
let done = 0;
const until = performance.now() + seconds * 1000;
const start = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      await verify(stored, 'correct horse battery');
      done += 1;
    }
  }),
);
console.log(String(done / ((performance.now() - start) / 1000)));
