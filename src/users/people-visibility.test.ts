import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../accounts/index.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { seedRole } from './testing.js';

// External users never see other people, whatever permissions a role gives them (seed 003).
let t: TestApp;
let externalCookie: string;
let token: string;
let member: Awaited<ReturnType<typeof seedUser>>;
beforeAll(async () => {
  t = await createTestApp();
  await seedUser(t.handle, { roles: ['admin'] });
  member = await seedUser(t.handle, { name: 'Someone Else' });
  const everything = await seedRole(t.handle, 'Everything', [...ALL_PERMISSIONS]);
  const external = await seedUser(t.handle, { profile: 'external', roleIds: [everything.id] });
  externalCookie = await signIn(t.app, external.email);
  const created = await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(externalCookie), payload: { name: 'ext' } });
  token = created.json().token;
});
afterAll(() => t.close());

const endpoints = () =>
  [
    ['GET', '/api/v1/admin/users'],
    ['GET', `/api/v1/admin/users/${member.id}`],
    ['GET', `/api/v1/admin/users/${member.id}/audit-events`],
    ['GET', '/api/v1/admin/api-tokens'],
    ['GET', '/api/v1/admin/audit-events'],
    ['POST', '/api/v1/admin/users', { name: 'N', email: 'n@example.com', username: 'nn' }],
    ['PATCH', `/api/v1/admin/users/${member.id}`, { name: 'Renamed' }],
    ['POST', `/api/v1/admin/users/${member.id}/disable`],
    ['POST', '/api/v1/admin/users/bulk', { userIds: [member.id], action: { type: 'disable' } }],
  ] as const;

describe('an External user holding every permission', () => {
  it('cannot see or act on other people through any admin endpoint, by cookie or by API token', async () => {
    for (const [method, url, payload] of endpoints()) {
      for (const headers of [asBrowser(externalCookie), { authorization: `Bearer ${token}` }]) {
        const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
        expect(res.body).not.toContain('Someone Else');
      }
    }
  });

  it('still sees themselves', async () => {
    const res = await t.app.inject({ url: '/api/v1/me', headers: { cookie: externalCookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.profile).toBe('external');
  });
});
