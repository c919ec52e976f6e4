import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { enqueueMail } from '../mail/outbox.js';
import { createMailWorker } from '../mail/worker.js';
import type { DatabaseHandle } from '../platform/db.js';
import type { FoyerApp } from '../platform/http.js';
import { createTestApp, createTestDatabase, seedUser, TEST_ORIGIN, testConfig, type TestApp } from '../../test/support.js';
import { appMetrics, countedAs, createMetrics, requestMetrics } from './metrics.js';

const TOKEN = 'metrics-token-0123456789';
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

let t: TestApp | undefined;
let handle: DatabaseHandle | undefined;
let app: FoyerApp | undefined;
afterEach(async () => {
  await t?.close();
  await app?.close();
  await handle?.close();
  t = handle = app = undefined;
});

const scrape = (target: FoyerApp, authorization?: string) =>
  target.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });

/** The value of one sample line, `name{labels} value`, or undefined when the line is absent. */
function sample(body: string, line: string): number | undefined {
  const found = body.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('/metrics', () => {
  it('does not exist without FOYER_METRICS_TOKEN', async () => {
    t = await createTestApp();
    const res = await scrape(t.app, `Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });

  it('asks for the token, refuses a wrong one and answers the right one', async () => {
    t = await createTestApp({ FOYER_METRICS_TOKEN: TOKEN });
    const none = await scrape(t.app);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await scrape(t.app, 'Bearer not-the-token-at-all')).statusCode).toBe(403);
    const ok = await scrape(t.app, `Bearer ${TOKEN}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.body).toContain('foyer_process_cpu_user_seconds_total');
    expect(ok.body).toContain('foyer_nodejs_heap_size_used_bytes');
  });

  it('counts requests by route, sign-ins by method and outcome, mail deliveries and the queue', async () => {
    handle = await createTestDatabase();
    const config = testConfig({ FOYER_METRICS_TOKEN: TOKEN });
    const metrics = createMetrics(handle.db);
    app = await buildApp({ db: handle.db, config, metrics });
    const user = await seedUser(handle);
    const login = (password: string) =>
      app!.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: TEST_ORIGIN }, payload: { identifier: user.email, password } });
    expect((await login('correct horse battery')).statusCode).toBe(200);
    expect((await login('wrong password here')).statusCode).toBe(401);
    expect((await login('wrong password again')).statusCode).toBe(401);
    await enqueueMail(handle.db, config, { to: 'someone@example.com', template: 'test', data: { requestedBy: 'metrics test' } });

    let body = (await scrape(app, `Bearer ${TOKEN}`)).body;
    expect(sample(body, 'foyer_sign_ins_total{method="password",outcome="success"}')).toBe(1);
    expect(sample(body, 'foyer_sign_ins_total{method="password",outcome="failure"}')).toBe(2);
    expect(sample(body, 'foyer_http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login",status_code="401"}')).toBe(2);
    expect(sample(body, 'foyer_mail_queue_depth')).toBe(1);

    const worker = createMailWorker({
      db: handle.db,
      config,
      log: silentLog,
      instrument: async (_row, deliver) => {
        const outcome = await deliver();
        metrics.mailDelivered(outcome.status);
        return outcome;
      },
    });
    await worker.deliverDue();
    body = (await scrape(app, `Bearer ${TOKEN}`)).body;
    expect(sample(body, 'foyer_mail_deliveries_total{outcome="captured"}')).toBe(1);
    expect(sample(body, 'foyer_mail_queue_depth')).toBe(0);
  });

  it('keeps the figures of each app apart', async () => {
    t = await createTestApp({ FOYER_METRICS_TOKEN: TOKEN });
    handle = await createTestDatabase();
    app = await buildApp({ db: handle.db, config: testConfig({ FOYER_METRICS_TOKEN: TOKEN }) });
    const user = await seedUser(t.handle);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: TEST_ORIGIN }, payload: { identifier: user.email, password: 'nope nope nope' } });
    const other = (await scrape(app, `Bearer ${TOKEN}`)).body;
    expect(sample(other, 'foyer_sign_ins_total{method="password",outcome="failure"}')).toBeUndefined();
  });
});

describe('the counters for connected apps', () => {
  it('count into the metrics of the app serving the request, and nowhere outside one', async () => {
    handle = await createTestDatabase();
    const metrics = createMetrics(handle.db);
    appMetrics.signedIn('outside-any-request');
    requestMetrics.run(metrics, () => {
      appMetrics.signedIn('wiki');
      appMetrics.tokenGranted('authorization_code');
    });
    const body = await metrics.registry.metrics();
    expect(sample(body, 'foyer_app_sign_ins_total{client_id="wiki"}')).toBe(1);
    expect(sample(body, 'foyer_token_grants_total{grant_type="authorization_code"}')).toBe(1);
    expect(body).not.toContain('outside-any-request');
  });
});

describe('what the audit log counts as', () => {
  it.each([
    [{ action: 'auth.login.succeeded', details: { method: 'passkey' } }, { counter: 'signIns', labels: { method: 'passkey', outcome: 'success' } }],
    [{ action: 'auth.login.throttled', details: {} }, { counter: 'signIns', labels: { method: 'password', outcome: 'throttled' } }],
    [{ action: 'signup_link.redeemed' }, { counter: 'signUps', labels: { path: 'signup_link' } }],
    [{ action: 'sso.identity_linked', details: { reason: 'registration' } }, { counter: 'signUps', labels: { path: 'sso' } }],
    [{ action: 'sso.identity_linked', details: { reason: 'user' } }, null],
    [{ action: 'access_request.created' }, { counter: 'accessRequests', labels: { event: 'submitted' } }],
    [{ action: 'access_request.declined' }, { counter: 'accessRequests', labels: { event: 'declined' } }],
    [{ action: 'user.updated' }, null],
  ])('%o', (entry, expected) => {
    expect(countedAs(entry)).toEqual(expected);
  });
});
