import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin' });
  cookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

describe('GET /api/v1/admin/users', () => {
  it('lists users with roles, auth method, status and last login, page by page', async () => {
    await seedUser(t.handle, { name: 'Pending Pat', password: undefined, roles: ['member'] });
    await seedUser(t.handle, { name: 'Viewer Vic', roles: ['viewer', 'member'] });
    const first = await t.app.inject({ url: '/api/v1/admin/users?limit=2', headers: { cookie } });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.items).toHaveLength(2);
    expect(body.items[0]).toMatchObject({ name: 'Ada Admin', authMethod: 'local', status: 'active', profile: 'member', roles: [{ name: 'Admin' }] });
    expect(body.items[0].lastLoginAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(body.items[1]).toMatchObject({ name: 'Pending Pat', authMethod: 'pending_setup', lastLoginAt: null, roles: [{ name: 'Member' }] });
    const second = await t.app.inject({ url: `/api/v1/admin/users?limit=2&cursor=${body.nextCursor}`, headers: { cookie } });
    expect(second.json()).toMatchObject({ items: [{ name: 'Viewer Vic', roles: [{ name: 'Member' }, { name: 'Viewer' }] }], nextCursor: null });
    expect(second.json().items[0]).not.toHaveProperty('passwordHash');
  });

  it('searches name, email and username, treating wildcards literally', async () => {
    await seedUser(t.handle, { name: 'Grace Hopper', email: 'grace@navy.mil', username: 'ghopper' });
    await seedUser(t.handle, { name: '100% Sure', username: 'sure' });
    const q = (term: string) =>
      t.app.inject({ url: `/api/v1/admin/users?q=${encodeURIComponent(term)}`, headers: { cookie } }).then((r) => r.json().items.map((u: { name: string }) => u.name));
    expect(await q('navy')).toEqual(['Grace Hopper']);
    expect(await q('GHOP')).toEqual(['Grace Hopper']);
    expect(await q('%')).toEqual(['100% Sure']);
  });

  it('needs users.read', async () => {
    const member = await seedUser(t.handle, { roles: ['member'] });
    const res = await t.app.inject({ url: '/api/v1/admin/users', headers: { cookie: await signIn(t.app, member.email) } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'forbidden', message: 'You do not have permission to do this.' } });
    expect((await t.app.inject({ url: '/api/v1/admin/users' })).statusCode).toBe(401);
  });

  it('validates limit with a field-level 400', async () => {
    const res = await t.app.inject({ url: '/api/v1/admin/users?limit=501', headers: { cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { limit: expect.any(String) } } });
  });
});

describe('GET /api/v1/admin/permissions', () => {
  it('lists the catalogue by area to signed-in people', async () => {
    const res = await t.app.inject({ url: '/api/v1/admin/permissions', headers: { cookie } });
    const keys = res.json().areas.flatMap((a: { permissions: { key: string }[] }) => a.permissions.map((p) => p.key));
    expect(keys).toEqual(expect.arrayContaining(['users.read', 'settings.manage', 'access_requests.restore', 'api_tokens.manage']));
    expect((await t.app.inject({ url: '/api/v1/admin/permissions' })).statusCode).toBe(401);
  });
});
