import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support.js';
import { redactUrl } from './http.js';

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
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
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
