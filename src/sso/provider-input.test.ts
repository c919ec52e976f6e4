import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';

let t: TestApp;
let admin: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  const user = await seedUser(t.handle, { roles: ['admin'] });
  admin = asBrowser(await signIn(t.app, user.email));
});
afterAll(() => t.close());

describe('SSO input that is not what it should be', () => {
  it('refuses an issuer that is not a URL with 400 naming the field, whatever else the body holds', async () => {
    for (const issuer of ['not a url', 'sample-text', '://', 'https://', 'mailto:x@example.com']) {
      for (const url of ['/api/v1/admin/sso-providers', '/api/v1/admin/sso-providers/test']) {
        const res = await t.app.inject({ method: 'POST', url, headers: admin, payload: { name: 'IdP', issuer, clientId: 'foyer' } });
        expect([issuer, res.statusCode]).toEqual([issuer, 400]);
        expect(res.json().error.details.fields).toHaveProperty('issuer');
      }
    }
  });

  it('says what to fix in the sentences the console shows', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sso-providers',
      headers: admin,
      payload: { name: ' ', issuer: 'http://login.example.com', clientId: 'foyer' },
    });
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { name: 'Give the provider a name people recognise.', issuer: 'Use https:// (plain http only on localhost).' } },
    });
  });

  it('answers anonymous callers 401 before looking at the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/sso-providers', headers: { origin: TEST_ORIGIN }, payload: { issuer: 'not a url' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.details).toBeUndefined();
  });

  it('answers 404 for a user id that is not a uuid', async () => {
    for (const id of ['not-a-uuid', '12345', 'x'.repeat(90)]) {
      const res = await t.app.inject({ url: `/api/v1/admin/users/${id}/sso`, headers: admin });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });
});
