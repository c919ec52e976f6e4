import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { builtinRoleId } from '../accounts/index.js';
import { nextSteps } from './service.js';

let t: TestApp;
let adminCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterAll(() => t.close());

const asAdmin = async (url: string, payload: object) => {
  const res = await t.app.inject({ method: 'POST', url, headers: asBrowser(adminCookie), payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};

describe('GET /api/v1/me/home', () => {
  it('shows the groups, each role with where it comes from, and the next security step', async () => {
    const member = await builtinRoleId(t.handle.db, 'member');
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const engineering = await asAdmin('/api/v1/admin/groups', { name: 'Engineering', description: '', roleIds: [member, viewer] });
    const person = await seedUser(t.handle, { name: 'Gwen Grouped', roles: ['member'] });
    await asAdmin(`/api/v1/admin/groups/${engineering.id}/members`, { userIds: [person.id] });

    const res = await t.app.inject({ url: '/api/v1/me/home', headers: { cookie: await signIn(t.app, person.email) } });
    expect(res.statusCode).toBe(200);
    const home = res.json();
    expect(home.groups).toEqual([{ id: expect.any(String), name: 'Engineering' }]);
    expect(home.roles).toEqual([
      { id: member, name: 'Member', direct: true, groups: [{ id: expect.any(String), name: 'Engineering' }] },
      { id: viewer, name: 'Viewer', direct: false, groups: [{ id: expect.any(String), name: 'Engineering' }] },
    ]);
    expect(home.security).toEqual({ emailVerified: false, passkeys: 0, secondFactors: [], nextSteps: ['verify_email', 'add_passkey', 'turn_on_two_factor'] });
  });

  it('needs a signed-in person', async () => {
    expect((await t.app.inject({ url: '/api/v1/me/home' })).statusCode).toBe(401);
  });
});

describe('nextSteps', () => {
  it('asks for a second passkey once there is one, and nothing when the account is well protected', () => {
    const base = { emailVerified: true, secondFactors: [], twoFactorAllowed: true };
    expect(nextSteps({ ...base, passkeys: 1 })).toEqual(['add_second_passkey', 'turn_on_two_factor']);
    expect(nextSteps({ ...base, passkeys: 2, secondFactors: ['totp'] })).toEqual([]);
    expect(nextSteps({ ...base, passkeys: 2, twoFactorAllowed: false })).toEqual([]);
  });
});
