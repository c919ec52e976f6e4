import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withDatabase } from '../../test/global-setup.js';
import { buildApp } from '../app.js';
import { FREE_FAILURES } from '../auth/throttling/service.js';
import { enqueueMail } from '../mail/outbox.js';
import { createTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp-server.js';
import { createMailWorker } from '../mail/worker.js';
import { bootstrapFirstAdmin } from '../setup/service.js';
import { roles } from '../accounts/index.js';
import { openPostgres, type DatabaseHandle } from './db.js';
import type { FoyerApp } from './http.js';
import { seedUser, TEST_ORIGIN, testConfig } from '../../test/support.js';

/**
 * Two Foyer instances on one PostgreSQL, each with its own connection pool, as behind a load balancer: whatever
 * must hold across instances lives in the database, and this shows it does.
 */
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.runIf(process.env.TEST_DATABASE_URL)('two instances on one database (PostgreSQL)', () => {
  let admin: pg.Client;
  let name: string;
  let smtp: TestSmtpServer;
  const handles: DatabaseHandle[] = [];
  const apps: FoyerApp[] = [];
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    const url = process.env.TEST_DATABASE_URL!;
    name = `foyer_scale_${randomBytes(4).toString('hex')}`;
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${inject('testDatabaseTemplate')}`);
    smtp = await createTestSmtpServer();
    await smtp.start();
    config = testConfig({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
    for (let i = 0; i < 2; i += 1) {
      const handle = openPostgres(withDatabase(url, name));
      handles.push(handle);
      apps.push(await buildApp({ db: handle.db, config }));
    }
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const handle of handles) await handle.close();
    await smtp.stop();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  const login = (app: FoyerApp, identifier: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: TEST_ORIGIN }, payload: { identifier, password } });

  it('spends a one-time setup link once, whichever instance is asked', async () => {
    const outcome = await bootstrapFirstAdmin(handles[0]!.db, config);
    if (outcome.kind !== 'setup_link') throw new Error('expected a setup link');
    const token = new URL(outcome.url).searchParams.get('token')!;
    const replies = await Promise.all(
      apps.map((app, i) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/setup',
          headers: { origin: TEST_ORIGIN },
          payload: { token, name: `Admin ${i}`, email: `admin${i}@example.com`, username: `admin${i}`, password: 'a good admin password' },
        }),
      ),
    );
    const statuses = replies.map((r) => r.statusCode).sort();
    // The loser finds either the link spent (410) or the instance set up (409), depending on who locks first.
    expect(statuses[0]).toBe(201);
    expect([409, 410]).toContain(statuses[1]);
  });

  it('throttles sign-in on the failures counted by both', async () => {
    const user = await seedUser(handles[0]!);
    for (let i = 0; i < FREE_FAILURES.account; i += 1) {
      expect((await login(apps[i % 2]!, user.email, 'wrong password')).statusCode).toBe(401);
    }
    for (const app of apps) expect((await login(app, user.email, 'correct horse battery')).statusCode).toBe(429);
  });

  it('ends a session everywhere when it is ended on one instance', async () => {
    const user = await seedUser(handles[0]!);
    const signedIn = await login(apps[0]!, user.email, 'correct horse battery');
    const cookie = signedIn.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    for (const app of apps) expect((await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    const out = await apps[1]!.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, origin: TEST_ORIGIN } });
    expect(out.statusCode).toBeLessThan(300);
    for (const app of apps) expect((await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it("counts a role's permission taken away on one instance at the other's very next request", async () => {
    const [role] = await handles[0]!.db.insert(roles).values({ name: 'Scale readers', permissions: ['users.read', 'audit.read'] }).returning();
    const user = await seedUser(handles[0]!, { roleIds: [role!.id] });
    const cookie = (await login(apps[0]!, user.email, 'correct horse battery')).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const permissions = async (app: FoyerApp) => (await app.inject({ url: '/api/v1/me', headers: { cookie } })).json().user.permissions;
    for (const app of apps) expect(await permissions(app)).toEqual(['audit.read', 'users.read']);
    // Through the second instance's own pool, as an administrator's change there would be.
    await handles[1]!.db.update(roles).set({ permissions: ['audit.read'] }).where(eq(roles.id, role!.id));
    for (const app of apps) expect(await permissions(app)).toEqual(['audit.read']);
  });

  it('delivers each queued mail exactly once with a worker on each instance', async () => {
    const recipients = Array.from({ length: 12 }, (_, i) => `person${i}@example.com`);
    for (const to of recipients) await enqueueMail(handles[0]!.db, config, { to, template: 'test', data: { requestedBy: 'scale test' } });
    const workers = handles.map((handle) => createMailWorker({ db: handle.db, config, log: silentLog, batchSize: 3 }));
    const rounds = await Promise.all(workers.map((worker) => worker.deliverDue()));
    expect(rounds.reduce((sum, round) => sum + round.sent, 0)).toBe(recipients.length);
    const delivered = smtp.received.map((mail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).sort();
    expect(delivered).toEqual([...recipients].sort());
  });
});
