import { PassThrough } from 'node:stream';
import { desc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailOutbox } from '../mail/schema.js';
import { redactDeep, redactLogLine, REDACTED } from './log-redaction.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';

let t: TestApp;
let lines: string[];
/** Every value the test creates that must never appear in a log line. */
let secrets: string[];

beforeEach(async () => {
  lines = [];
  secrets = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  t = await createTestApp({ FOYER_LOG_LEVEL: 'trace' }, {}, stream);
});
afterEach(() => t.close());

const keep = <T extends string>(secret: T): T => {
  secrets.push(secret);
  return secret;
};
const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { origin: TEST_ORIGIN, ...headers }, payload });
const cookieValue = (pair: string) => keep(pair.slice(pair.indexOf('=') + 1));
const tokenOf = (url: string) => keep(new URL(url).searchParams.get('token')!);
const lastSecretMailedTo = async (to: string) => {
  const [row] = await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, to)).orderBy(desc(mailOutbox.createdAt)).limit(1);
  return row!.secret!;
};

describe('Logs', () => {
  it('never contain a secret the flows created: links, passwords, sessions, API tokens', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'], password: keep('admin password long enough') });
    const adminCookie = await signIn(t.app, admin.email, 'admin password long enough');
    cookieValue(adminCookie);

    // Sign-up link: created, checked and redeemed with a password.
    const link = (await post('/api/v1/admin/signup-links', { expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, asBrowser(adminCookie))).json();
    keep(link.token);
    await t.app.inject({ url: `/api/v1/signup-links/${link.token}` });
    const redeemed = await post(`/api/v1/signup-links/${link.token}/redeem`, {
      name: 'Sid Signup',
      email: 'sid@example.com',
      username: 'sid',
      password: keep('sid secret passphrase'),
    });
    expect(redeemed.statusCode).toBeLessThan(300);
    cookieValue(sessionCookieFrom(redeemed));

    // Invitation: the link from the reply, accepted with a password.
    const invited = (await post('/api/v1/admin/invitations', { name: 'Ivy', email: 'ivy@example.com', sendEmail: false }, asBrowser(adminCookie))).json();
    const invitation = tokenOf(invited.link);
    await t.app.inject({ url: `/api/v1/invitations/${invitation}` });
    expect((await post(`/api/v1/invitations/${invitation}/accept`, { password: keep('ivy secret passphrase') })).statusCode).toBe(200);

    // Password reset: the mailed link.
    const reset = await seedUser(t.handle, { email: 'rey@example.com' });
    expect((await post('/api/v1/auth/password/forgot', { email: reset.email })).statusCode).toBe(202);
    const resetToken = tokenOf(await lastSecretMailedTo(reset.email));
    await t.app.inject({ url: `/reset-password?token=${resetToken}` });
    expect((await post('/api/v1/auth/password/reset', { token: resetToken, password: keep('rey new passphrase') })).statusCode).toBe(200);

    // Login link: issued by the administrator, used once, then replayed.
    const lou = await seedUser(t.handle, { password: undefined });
    const loginLink = (await post(`/api/v1/admin/users/${lou.id}/login-link`, { send: false }, asBrowser(adminCookie))).json();
    const loginToken = tokenOf(loginLink.url);
    expect((await post('/api/v1/auth/login-link', { token: loginToken })).statusCode).toBe(200);
    await post('/api/v1/auth/login-link', { token: loginToken });

    // API token: created, used as a bearer, and sent somewhere it is refused.
    const apiToken = keep((await post('/api/v1/admin/api-tokens', { name: 'automation' }, asBrowser(adminCookie))).json().token as string);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${apiToken}` } })).statusCode).toBe(200);
    await t.app.inject({ url: `/api/v1/me?access_token=${apiToken}` });

    // Sign-in: right and wrong passwords, and a cookie sent to a route that fails.
    await post('/api/v1/auth/login', { identifier: admin.email, password: keep('a wrong guess of a password') });
    await t.app.inject({ url: '/api/v1/admin/users/not-a-uuid', headers: { cookie: adminCookie } });

    // A database error carries the query's parameters; a library might log it whole, nested anywhere.
    const failed = await t.handle.db.execute(sql`select ${keep('param-secret-value-1234')}::int`).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    t.app.log.error({ err: failed }, 'query failed');
    t.app.log.warn({ context: { request: { headers: { cookie: `foyer_session=${cookieValue(adminCookie)}`, authorization: `Bearer ${apiToken}` } } } }, 'nested');

    // Enough was logged for the scan to mean something (one line per request, plus the two logged above).
    expect(lines.length).toBeGreaterThan(15);
    const leaks = secrets.filter((secret) => lines.some((line) => line.includes(secret)));
    expect(leaks).toEqual([]);
    expect(lines.some((line) => line.includes('param-secret') || line.includes(REDACTED))).toBe(true);
  });
});

describe('redactDeep', () => {
  it('replaces sensitive keys at any depth and cleans tokens out of URLs in any string', () => {
    const nested = { a: { b: { c: { d: { newPassword: 'x', clientSecret: 'y', params: ['z'], note: '/setup?token=abcdef&x=1' } } } } };
    expect(redactDeep(nested)).toEqual({
      a: { b: { c: { d: { newPassword: REDACTED, clientSecret: REDACTED, params: REDACTED, note: `/setup?token=${REDACTED}&x=1` } } } },
    });
    expect(redactLogLine('not json /login-link?token=abc')).toBe(`not json /login-link?token=${REDACTED}`);
    const setup = JSON.parse(redactLogLine('{"msg":"open /setup?token=abc","setupLink":"http://x/setup?token=abc","n":{"setupLink":"/setup?token=abc"}}'));
    expect(setup).toEqual({ msg: `open /setup?token=${REDACTED}`, setupLink: 'http://x/setup?token=abc', n: { setupLink: `/setup?token=${REDACTED}` } });
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    expect(redactDeep(circular)).toEqual({ name: 'loop', self: '[…]' });
  });

  it('keeps what explains a failure: messages, error codes, SQL text', () => {
    const error = { type: 'DrizzleQueryError', message: 'Failed query: select $1::int', code: '22P02', query: 'select $1::int', params: ['s3cret'] };
    expect(redactDeep(error)).toEqual({ ...error, params: REDACTED });
    const unique = { severity: 'ERROR', code: '23505', message: 'duplicate key value violates unique constraint "users_email_key"', detail: 'Key (email)=(a@b.c) already exists.' };
    expect(redactDeep(unique)).toEqual({ ...unique, message: `duplicate key value violates unique constraint "${REDACTED}"`, detail: REDACTED });
    const drizzle = { message: 'Failed query: select $1::int\nparams: s3cret,other', stack: 'Error: Failed query: select $1::int\nparams: s3cret\n    at x' };
    expect(redactDeep(drizzle)).toEqual({
      message: `Failed query: select $1::int\nparams: ${REDACTED}`,
      stack: `Error: Failed query: select $1::int\nparams: ${REDACTED}\n    at x`,
    });
  });
});

