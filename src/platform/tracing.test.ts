import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../../test/global-setup.js';
import { appRoot } from './paths.js';
import { scrubbed } from './tracing.js';

interface Span {
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** A tiny OTLP/HTTP receiver: keeps every JSON export it is sent, as text (to search for secrets) and as spans. */
function otlpReceiver() {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const exports = () => bodies.map((b) => JSON.parse(b) as { resourceSpans: { resource: Span; scopeSpans: { spans: Span[] }[] }[] });
  return {
    server,
    bodies,
    spans: () => exports().flatMap((e) => e.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))),
    serviceNames: () => exports().flatMap((e) => e.resourceSpans.map((r) => attribute(r.resource, 'service.name'))),
  };
}

const attribute = (span: Pick<Span, 'attributes'>, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Waits for a condition the running server will eventually meet; the test fails on its timeout otherwise. */
async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const PASSWORD = 'a fine admin password';
let receiver: ReturnType<typeof otlpReceiver>;
let foyer: ChildProcess;
let output = '';
let base: string;
let dataDir: string;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  receiver = otlpReceiver();
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const port = await freePort();
  base = `http://localhost:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'foyer-tracing-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    FOYER_DATA_DIR: dataDir,
    FOYER_LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`,
    OTEL_SERVICE_NAME: 'foyer-under-test',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `foyer_tracing_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${inject('testDatabaseTemplate')}`);
    env.DATABASE_URL = withDatabase(url, name);
    dropDatabase = async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  foyer = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], { cwd: appRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  foyer.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  foyer.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await eventually(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok);
}, 120_000);

afterAll(async () => {
  if (foyer.exitCode === null) {
    const exited = new Promise((resolve) => foyer.once('exit', resolve));
    foyer.kill('SIGTERM');
    await exited;
  }
  await new Promise((resolve) => receiver.server.close(resolve));
  await dropDatabase?.();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('traces over OTLP/HTTP', () => {
  it('exports HTTP server, database and mail spans without secrets', async () => {
    const token = await eventually(() => /\/setup\?token=([\w-]+)/.exec(output)?.[1]);
    const post = (path: string, payload: object) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(payload) });
    expect((await fetch(`${base}/api/v1/setup?token=${token}`)).status).toBe(200);
    const setup = await post('/api/v1/setup', { token, name: 'Ada', email: 'ada@example.com', username: 'ada', password: PASSWORD });
    expect(setup.status).toBe(201);
    expect((await post('/api/v1/auth/password/forgot', { email: 'ada@example.com' })).status).toBe(202);

    const mail = await eventually(() => receiver.spans().find((s) => s.name === 'mail.deliver'));
    expect(attribute(mail, 'foyer.mail.template')).toBe('password_reset');
    const server = receiver.spans().filter((s) => s.kind === 2);
    const targets = server.map((s) => attribute(s, 'url.path'));
    expect(targets).toContain('/api/v1/setup');
    expect(targets).not.toContain('/readyz');
    const database = receiver.spans().filter((s) => attribute(s, 'db.system.name') === 'postgresql');
    expect(database.length).toBeGreaterThan(0);
    expect(database.some((s) => String(attribute(s, 'db.query.text')).includes('$1'))).toBe(true);
    expect(receiver.serviceNames()).toContain('foyer-under-test');

    const everything = receiver.bodies.join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('ada@example.com');
  });
});

describe('span attribute scrubbing', () => {
  it.each([
    ['http.target', '/setup?token=abc', '/setup'],
    ['http.url', 'https://id.example.com/reset?token=abc&x=1', 'https://id.example.com/reset'],
    ['url.query', 'token=abc', '[redacted]'],
    ['db.connection_string', 'postgresql://foyer:secret@db:5432/foyer', 'postgresql://db:5432/foyer'],
  ])('%s %s', (key, value, expected) => {
    expect(scrubbed(key, value)).toBe(expected);
  });
});
