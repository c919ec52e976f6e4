import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from './support.js';
import { leavesOf, operationsOf, sampleOf, urlOf, withLeaf, type OpenApiDocument, type Operation } from './openapi-operations.js';

/**
 * Every operation of the live OpenAPI document, as an anonymous caller, a member and an administrator, with input
 * that is wrong in every way we know: a new route is covered the moment it is in the document.
 *
 * Each request is wrong in exactly one place and the rest is a plausible value, so the wrong part is what the server
 * meets. Wrong input is refused before any password is hashed, which keeps the run to seconds, and no sign-in is
 * attempted with a valid shape, so no lockout builds up.
 */

const NUL = 'nul\u0000byte';
const SURROGATE = 'lone\ud800surrogate';
const HUGE = 'x'.repeat(100_000);
const WRONG_TYPES: unknown[] = [12345, { nested: true }, null, [1, 2]];
const STRING_LEAVES: unknown[] = [NUL, SURROGATE, HUGE];

/** Percent-encoded path segments: not an id, NUL, a UTF-8-encoded surrogate, broken encoding, too long, traversal. */
const BAD_SEGMENTS = ['not-a-uuid', '%00', '%ED%A0%80', '%zz', 'x'.repeat(300), '..%2F..%2Fetc', '%F0%9F%98%80', '12345'];
const BAD_COOKIES = ['foyer_session', 'foyer_mfa_pending', 'foyer_invitation_guest', 'foyer_sso_flow'].map((name) => `${name}=a.%00%ED%A0%80`).join('; ');
const BAD_QUERY_VALUES = ['%00', '%ED%A0%80', '%zz', 'x'.repeat(5000), 'not-a-uuid', '-1', '99999999999999999999'];

// What a reply must never show: stack frames, source or install paths, SQL or the database's own words.
const INTERNALS = [
  /\bat [\w.<>]+ \(/,
  /\.(?:ts|js):\d+/,
  /\/(?:src|node_modules|work|home|usr)\//,
  /\b(?:select|insert into|update|delete from)\b[^"]*\b(?:from|where|values|set)\b/i,
  /SQLSTATE|duplicate key|violates|invalid input syntax|invalid byte sequence|relation "|column "|syntax error at/i,
  /PGlite|drizzle|postgres/i,
];

/** Replies whose sentence names the database on purpose: advice to the operator, not a leaked error. */
const NAMES_THE_DATABASE = new Set(['backup_not_embedded']);

interface Sent {
  who: string;
  op: Operation;
  what: string;
  response: LightMyRequestResponse;
}

let t: TestApp;
let doc: OpenApiDocument;
const callers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  const member = await seedUser(t.handle, { roles: ['member'] });
  callers.anonymous = { origin: TEST_ORIGIN };
  callers.member = asBrowser(await signIn(t.app, member.email));
  callers.admin = asBrowser(await signIn(t.app, admin.email));
  doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
}, 120_000);
afterAll(() => t.close());

function* requestsFor(op: Operation) {
  const sampleId = () => randomUUID();
  const url = (fill: (name: string) => string = sampleId) => urlOf(op, fill);
  const json = (payload: string) => ({ headers: { 'content-type': 'application/json' }, payload });
  const query = (q: Record<string, string>) =>
    Object.entries(q)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');

  for (const param of op.pathParams) {
    for (const segment of BAD_SEGMENTS) {
      yield { what: `path ${param.name}=${segment.slice(0, 20)}`, url: url((name) => (name === param.name ? segment : sampleId())) };
    }
  }
  for (const param of op.queryParams) {
    for (const value of BAD_QUERY_VALUES) {
      yield { what: `query ${param.name}=${value.slice(0, 20)}`, url: `${url()}?${query({ [param.name]: value })}` };
    }
    yield { what: `query ${param.name} repeated`, url: `${url()}?${param.name}=a&${param.name}=b` };
  }
  if (op.body) {
    const sample = sampleOf(doc, op.body);
    for (const leaf of leavesOf(sample)) {
      for (const value of [...STRING_LEAVES, ...WRONG_TYPES]) {
        const label = typeof value === 'string' ? value.slice(0, 10) : JSON.stringify(value);
        yield { what: `body ${leaf.join('.')}=${label}`, url: url(), ...json(JSON.stringify(withLeaf(sample, leaf, value))) };
      }
    }
    for (const whole of ['{}', '[]', 'null', '"text"', '12', '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}']) {
      yield { what: `body ${whole.slice(0, 20)}`, url: url(), ...json(whole) };
    }
    yield { what: 'body as text/plain', url: url(), headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(sample) };
    yield { what: 'body deeply nested', url: url(), ...json(`${'['.repeat(5000)}${']'.repeat(5000)}`) };
  }
  for (const type of op.otherMediaTypes) {
    yield { what: `${type} with NUL`, url: url(), headers: { 'content-type': type }, payload: Buffer.from('name,email,username,roles\r\nA\u0000B,nul@example.com,nul,Ro\u0000le\r\n') };
    yield { what: `${type} as JSON`, url: url(), ...json('{"name":"x"}') };
  }
  yield { what: 'cookies holding NUL', url: url(), headers: { cookie: BAD_COOKIES } };
  yield { what: 'invalid JSON', url: url(), ...json('{"unterminated":') };
  yield { what: 'empty JSON body', url: url(), headers: { 'content-type': 'application/json' }, payload: '' };
  yield { what: 'unsupported content type', url: url(), headers: { 'content-type': 'application/xml' }, payload: '<a/>' };
}

async function send(who: string, op: Operation): Promise<Sent[]> {
  const sent: Sent[] = [];
  for (const request of requestsFor(op)) {
    const response = await t.app.inject({
      method: op.method as 'GET',
      url: request.url,
      headers: { ...callers[who], ...('headers' in request ? request.headers : {}) },
      ...('payload' in request ? { payload: request.payload } : {}),
    });
    sent.push({ who, op, what: request.what, response });
  }
  return sent;
}

function problemsOf({ who, op, what, response }: Sent): string[] {
  const where = `${who} ${op.key} [${what}] → ${response.statusCode}`;
  const problems: string[] = [];
  if (response.statusCode >= 500) problems.push(`${where}: ${response.body.slice(0, 200)}`);
  const advice = [...NAMES_THE_DATABASE].some((code) => response.body.includes(`"code":"${code}"`));
  const leak = INTERNALS.find((pattern) => pattern.test(advice ? response.body.replace(/PostgreSQL|pg_dump/g, '') : response.body));
  if (leak) problems.push(`${where}: shows internals (${leak}): ${response.body.slice(0, 300)}`);
  if (response.statusCode >= 400) {
    let body: { error?: { code?: unknown; message?: unknown } } | undefined;
    try {
      body = response.json();
    } catch {
      body = undefined;
    }
    if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') {
      problems.push(`${where}: not the error shape: ${response.body.slice(0, 200)}`);
    }
  }
  // Anonymous callers of a protected operation learn nothing about its fields: 401, or a refusal of the address itself.
  if (who === 'anonymous' && op.protected && ![401, 414].includes(response.statusCode)) {
    const code = response.statusCode === 400 ? (response.json() as { error?: { code?: string } }).error?.code : undefined;
    if (code !== 'bad_url') problems.push(`${where}: anonymous caller of a protected operation not answered 401`);
  }
  return problems;
}

describe('malformed input, for every operation of the OpenAPI document', () => {
  it.each(['anonymous', 'member', 'admin'])('as %s: never a 5xx, always the error shape, never internals', async (who) => {
    const problems: string[] = [];
    let count = 0;
    for (const op of operationsOf(doc)) {
      for (const sent of await send(who, op)) {
        count += 1;
        problems.push(...problemsOf(sent));
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
    // The callers were still who they were at the end, so every request above ran with the identity it names.
    if (who !== 'anonymous') expect((await t.app.inject({ url: '/api/v1/me', headers: callers[who] })).statusCode).toBe(200);
  }, 300_000);

  it('knows which operations need a caller', () => {
    const ops = operationsOf(doc);
    expect(ops.find((o) => o.key === 'GET /api/v1/admin/users')?.protected).toBe(true);
    expect(ops.find((o) => o.key === 'POST /api/v1/auth/login')?.protected).toBe(false);
  });
});
