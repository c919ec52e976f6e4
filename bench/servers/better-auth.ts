import { createServer } from 'node:http';
import { hash, verify } from '@node-rs/argon2';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import pg from 'pg';
import { ARGON2_PARAMS } from '../../src/auth/passwords/hashing.js';

/**
 * Better Auth as its documentation sets it up, on the same PostgreSQL, with argon2id at Foyer's parameters as its
 * password hasher, so the comparison measures the frameworks and not their hash functions.
 */
const port = Number(process.env.PORT);
const baseURL = `http://127.0.0.1:${port}`;
const auth = betterAuth({
  baseURL,
  secret: 'bench-secret-bench-secret-bench-secret-0123456789',
  database: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }),
  emailAndPassword: {
    enabled: true,
    password: { hash: (password) => hash(password, ARGON2_PARAMS), verify: ({ hash: stored, password }) => verify(stored, password) },
  },
  // Foyer's limits are raised for the benchmark too: both measure raw capacity.
  rateLimit: { enabled: false },
  trustedOrigins: [baseURL],
  telemetry: { enabled: false },
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const handler = toNodeHandler(auth);
createServer((req, res) => {
  if (req.url === '/ready') {
    res.writeHead(200).end('ok');
    return;
  }
  void handler(req, res);
}).listen(port, '127.0.0.1');
