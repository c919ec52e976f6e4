import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailOutbox } from '../mail/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';

/**
 * Issue 16 item 5: the public endpoints that take an email or username do the same database work whether or not it
 * belongs to someone. Timings are never asserted; the statements are: each is reduced to its verb and the table it
 * touches, and the two sequences must be equal.
 */
let t: TestApp;
let statements: string[] = [];

beforeEach(async () => {
  t = await createTestApp({}, { onQuery: (sql) => statements.push(sql) });
});
afterEach(() => t.close());

/** `insert mail_outbox`, `select users`, …: what a statement does, without its parameters or exact text. */
const shapeOf = (sql: string) => {
  const text = sql.trim().toLowerCase();
  const verb = /^\w+/.exec(text)?.[0] ?? text;
  const table = /(?:\binto|\bfrom|^update)\s+"?([a-z_]+)"?/.exec(text)?.[1] ?? '';
  return `${verb} ${table}`.trim();
};

async function statementsOf(request: () => Promise<{ statusCode: number; body: string }>) {
  statements = [];
  const reply = await request();
  return { status: reply.statusCode, body: reply.body, shapes: statements.map(shapeOf) };
}

let ip = 0;
const post = (url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: { origin: TEST_ORIGIN }, remoteAddress: `10.20.0.${++ip}`, payload });

describe('Known and unknown identifiers cost the same statements', () => {
  it('on sign-in: a wrong password for an account and any password for nobody', async () => {
    const user = await seedUser(t.handle);
    const known = await statementsOf(() => post('/api/v1/auth/login', { identifier: user.email, password: 'not the password' }));
    const unknown = await statementsOf(() => post('/api/v1/auth/login', { identifier: 'ghost@example.com', password: 'not the password' }));
    expect(known.status).toBe(401);
    expect(unknown.body).toBe(known.body);
    expect(unknown.shapes).toEqual(known.shapes);
  });

  it('on forgot password: the mail to an account and the decoy for nobody, which leaves no message behind', async () => {
    const user = await seedUser(t.handle);
    const known = await statementsOf(() => post('/api/v1/auth/password/forgot', { email: user.email }));
    const unknown = await statementsOf(() => post('/api/v1/auth/password/forgot', { email: 'ghost@example.com' }));
    expect(known.status).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(unknown.shapes).toEqual(known.shapes);
    expect(known.shapes).toContain('insert mail_outbox');
    expect((await t.handle.db.select().from(mailOutbox)).map((m) => m.recipient)).toEqual([user.email]);
  });

  it('on access requests: a first request and a repeat within the hour, which mails nobody', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const settings = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(await signIn(t.app, admin.email)),
      payload: { registration: { accessRequestsEnabled: true } },
    });
    expect(settings.statusCode).toBe(200);
    const request = { email: 'rita@example.com', name: 'Rita Requester', message: 'I run the front desk.' };
    const first = await statementsOf(() => post('/api/v1/access-requests', request));
    const mailed = (await t.handle.db.select().from(mailOutbox)).length;
    const repeat = await statementsOf(() => post('/api/v1/access-requests', request));
    expect(first.status).toBe(202);
    expect(repeat.body).toBe(first.body);
    expect(repeat.shapes).toEqual(first.shapes);
    expect(first.shapes.filter((s) => s === 'insert mail_outbox').length).toBeGreaterThanOrEqual(2);
    expect(await t.handle.db.select().from(mailOutbox)).toHaveLength(mailed);
  });
});
