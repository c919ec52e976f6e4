import { readdirSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { redactUrl } from './http.js';
import { webDistFolder } from './paths.js';

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

/** One raw request over a real socket, for what app.inject never meets: Node's own parser refusing a request. */
async function rawRequest(app: TestApp['app'], text: string): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let reply = '';
    socket.on('data', (chunk) => (reply += String(chunk)));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('HTTP shell', () => {
  it('serves health and readiness', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('publishes an OpenAPI 3.1 document covering the promised paths', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/me', '/api/v1/setup', '/api/v1/admin/users', '/api/v1/admin/api-tokens', '/api/v1/admin/audit-events', '/api/v1/auth/password/reset']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    const refs = [...JSON.stringify(doc.paths).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty([ref]);
    expect(doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(['identifier', 'password']);
  });

  it('answers unknown API paths and malformed JSON in the error shape', async () => {
    const missing = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'There is nothing at this address.' } });
    const broken = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"identifier":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toEqual(expect.any(String));
    expect(broken.json().error.message).toEqual(expect.any(String));
  });

  it('names the offending fields of a validation error', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { identifier: '' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { identifier: expect.any(String), password: expect.any(String) } } });
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['permissions-policy']).toContain('camera=()');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('marks every API reply no-store except the public OpenAPI document', async () => {
    for (const url of ['/api/v1/me', '/api/v1/auth/sign-in-options', '/api/v1/nothing-here', '/api/v1/admin/users/%zz']) {
      expect((await t.app.inject({ url })).headers['cache-control']).toBe('no-store');
    }
    expect((await t.app.inject({ url: '/api/v1/openapi.json' })).headers['cache-control']).toBeUndefined();
  });

  // npm test builds the console before the tests run, so web/dist is there.
  it('lets browsers keep the console\'s hashed assets for good, and never its page', async () => {
    const asset = readdirSync(join(webDistFolder, 'assets')).find((name) => name.endsWith('.js'))!;
    const res = await t.app.inject({ url: `/assets/${asset}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/', '/admin/users']) expect((await t.app.inject({ url })).headers['cache-control']).toBe('no-store');
    // A name the build did not make is answered by the page, which is never kept either.
    expect((await t.app.inject({ url: '/assets/no-such-file.js' })).headers['cache-control']).toBe('no-store');
  });

  it('answers every refusal of Fastify and its parsers in the error shape with a fitting status', async () => {
    const cases = [
      { expect: [400, 'bad_url'], request: { url: '/api/v1/admin/users/%zz' } },
      { expect: [414, 'uri_too_long'], request: { url: `/api/v1/signup-links/${'x'.repeat(200)}` } },
      { expect: [415, 'unsupported_media_type'], request: { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' } },
      { expect: [413, 'body_too_large'], request: { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ identifier: 'x'.repeat(2 * 1024 * 1024) }) } },
      { expect: [400, 'invalid_json'], request: { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"identifier":' } },
      { expect: [400, 'invalid_json'], request: { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '' } },
      { expect: [400, 'invalid_json'], request: { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1}}' } },
    ] as const;
    for (const { expect: [status, code], request } of cases) {
      const res = await t.app.inject({ ...request, headers: { origin: TEST_ORIGIN, ...('headers' in request ? request.headers : {}) } } as never);
      expect([res.statusCode, res.json().error.code], request.url).toEqual([status, code]);
      expect(res.json()).toEqual(errorShape);
    }
  });

  it('answers headers too large for Node in the error shape and closes the connection', async () => {
    const reply = await rawRequest(t.app, `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(reply).toMatch(/^HTTP\/1.1 431 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });

  it('refuses NUL characters and unpaired surrogates in any string, query or path before a route sees them', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const headers = asBrowser(await signIn(t.app, admin.email));
    const body = (payload: string) => ({ method: 'POST' as const, url: '/api/v1/auth/password/forgot', headers: { origin: TEST_ORIGIN, 'content-type': 'application/json' }, payload });
    const refused = [
      await t.app.inject(body('{"email":"a\\u0000@example.com"}')),
      await t.app.inject(body('{"email":"a\\ud800@example.com"}')),
      await t.app.inject(body('{"email":"a@example.com","extra":{"deep":["\\udc00"]}}')),
      await t.app.inject({ url: '/api/v1/admin/users?q=%00', headers }),
      await t.app.inject({ url: '/api/v1/admin/api-tokens', method: 'POST', headers, payload: { name: 'a\u0000b' } }),
      await t.app.inject({ url: '/api/v1/admin/users/%00', headers }),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    expect(refused[2]!.json().error.details.fields).toEqual({ 'extra.deep.0': expect.any(String) });
    // A surrogate pair is a character like any other.
    expect((await t.app.inject(body('{"email":"a\\ud83d\\ude00@example.com"}'))).json().error?.code).not.toBe('validation_failed');
  });

  it('refuses anonymous callers of protected routes before reading or validating their body', async () => {
    for (const request of [
      { method: 'POST', url: '/api/v1/admin/users', payload: { name: 1 } },
      { method: 'POST', url: '/api/v1/admin/users', headers: { 'content-type': 'application/json' }, payload: '{broken' },
      { method: 'PATCH', url: '/api/v1/me', headers: { 'content-type': 'application/xml' }, payload: '<a/>' },
      { method: 'GET', url: '/api/v1/admin/users?limit=nope' },
    ] as const) {
      const res = await t.app.inject({ ...request, headers: { origin: TEST_ORIGIN, ...('headers' in request ? request.headers : {}) } } as never);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
  });

  it('lists the credentials of protected operations in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    expect(doc.paths['/api/v1/admin/users'].get.security).toEqual([{ session: [] }, { apiToken: [] }]);
    expect(doc.paths['/api/v1/auth/login'].post.security).toBeUndefined();
  });
});

describe('logging', () => {
  it('never writes tokens, passwords or cookies', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const logged = await createTestApp({ FOYER_LOG_LEVEL: 'info' }, {}, sink);
    try {
      await logged.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset?token=querysecret123', payload: { token: 'bodysecret456', password: 'passwordsecret789' }, headers: { cookie: 'foyer_session=cookiesecret.abc', authorization: 'Bearer foyer_x.bearersecret' } });
      await logged.app.inject({ url: '/api/v1/signup-links/pathsecretpathsecretpath' });
    } finally {
      await logged.close();
    }
    const output = lines.join('');
    expect(output).toContain('/api/v1/auth/password/reset');
    for (const secret of ['querysecret123', 'bodysecret456', 'passwordsecret789', 'cookiesecret', 'bearersecret', 'pathsecretpathsecretpath']) {
      expect(output).not.toContain(secret);
    }
  });

  it('redacts tokens in URLs', () => {
    expect(redactUrl('/setup?token=abc&x=1')).toBe('/setup?token=[redacted]&x=1');
    expect(redactUrl('/api/v1/signup-links/abcdefghijklmnopqrstuvwxyz/redeem')).toBe('/api/v1/signup-links/[redacted]/redeem');
  });
});
