import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { builtinRoleId, userRoles, users } from '../accounts/index.js';
import { systemContext } from '../audit/index.js';
import { apiTokens } from './schema.js';
import { createApiToken } from './service.js';

let t: TestApp;
let adminCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

async function createToken(cookie: string, name = 'automation') {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(cookie), payload: { name } });
  return res;
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API tokens', () => {
  it('are shown once, stored hashed, and act with the permissions of their creator', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer', 'admin'] });
    const viewerCookie = await signIn(t.app, viewer.email);
    const created = await createToken(viewerCookie);
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^foyer_[\w-]{22}\.[\w-]{43}$/);
    const [row] = await t.handle.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(token).not.toContain(row!.secretHash);

    const me = await t.app.inject({ url: '/api/v1/me', headers: bearer(token) });
    expect(me.json().user.id).toBe(viewer.id);
    expect((await t.app.inject({ url: '/api/v1/admin/users', headers: bearer(token) })).statusCode).toBe(200);

    // The token follows its creator: take Admin away and it loses what Admin gave.
    expect((await t.app.inject({ url: '/api/v1/admin/api-tokens', headers: bearer(token) })).statusCode).toBe(200);
    const adminRole = await builtinRoleId(t.handle.db, 'admin');
    await t.handle.db.delete(userRoles).where(and(eq(userRoles.userId, viewer.id), eq(userRoles.roleId, adminRole)));
    expect((await t.app.inject({ url: '/api/v1/admin/api-tokens', headers: bearer(token) })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/admin/users', headers: bearer(token) })).statusCode).toBe(200);

    // The list never shows a secret again.
    const list = await t.app.inject({ url: '/api/v1/admin/api-tokens', headers: { cookie: adminCookie } });
    expect(list.body).not.toContain(token.split('.')[1]);
    expect(list.json().items[0]).toMatchObject({ id, name: 'automation', createdBy: { id: viewer.id } });
  });

  it('stop working once revoked, and record creation, use and revocation', async () => {
    const { token, id } = (await createToken(adminCookie)).json();
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode).toBe(200);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/api-tokens/${id}`, headers: asBrowser(adminCookie) });
    expect(revoked.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode).toBe(401);
    const actions = (await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, id))).map((e) => e.action);
    expect(actions).toEqual(['api_token.created', 'api_token.used', 'api_token.revoked']);
    const [row] = await t.handle.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('stop working when their creator is disabled', async () => {
    const { token } = (await createToken(adminCookie)).json();
    await t.handle.db.update(users).set({ status: 'disabled' });
    expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode).toBe(401);
  });

  it('need api_tokens.manage to create, and are not subject to the cookie CSRF check', async () => {
    const member = await seedUser(t.handle, { roles: ['member'] });
    const memberCookie = await signIn(t.app, member.email);
    const refused = await createToken(memberCookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    const { token } = (await createToken(adminCookie)).json();
    const viaToken = await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: bearer(token), payload: { name: 'second' } });
    expect(viaToken.statusCode).toBe(201);
  });

  it('refuse a blank name with the sentence the console shows', async () => {
    const res = await createToken(adminCookie, '  ');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { name: 'Give the token a name that says what uses it.' } },
    });
  });

  it('refuse a malformed or unknown bearer token', async () => {
    for (const token of ['foyer_abc', 'foyer_a.b.c', 'nope', `foyer_${'a'.repeat(22)}.${'b'.repeat(43)}`]) {
      expect((await t.app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode).toBe(401);
    }
  });

  it('answer 404 for revoking or reading a token that does not exist', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/admin/api-tokens/nope', headers: asBrowser(adminCookie) });
    expect(res.statusCode).toBe(404);
    const read = await t.app.inject({ url: '/api/v1/admin/api-tokens/nope', headers: { cookie: adminCookie } });
    expect(read.statusCode).toBe(404);
    expect(read.json().error.code).toBe('not_found');
  });

  it('are listed and read one by one with what they may do now, when they were last used, and never cached', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const expiresAt = '2999-01-01T00:00:00.000Z';
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(adminCookie), payload: { name: 'nightly', expiresAt } });
    const { token, id, permissions } = created.json();
    expect(permissions).toContain('api_tokens.manage');
    const fresh = await t.app.inject({ url: `/api/v1/admin/api-tokens/${id}`, headers: { cookie: adminCookie } });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['cache-control']).toBe('no-store');
    expect(fresh.json()).toMatchObject({ id, name: 'nightly', expiresAt, lastUsedAt: null, revokedAt: null, permissions });
    expect(fresh.body).not.toContain(token.split('.')[1]);

    await t.app.inject({ url: '/api/v1/me', headers: bearer(token) });
    const used = (await t.app.inject({ url: '/api/v1/admin/api-tokens', headers: { cookie: adminCookie } })).json().items[0];
    expect(used).toMatchObject({ id, lastUsedAt: expect.any(String) });
    // A token of a Viewer may read what a Viewer reads, nothing more.
    const viewerToken = await t.handle.db.transaction((tx) =>
      createApiToken(tx, systemContext(), viewer.id, { name: 'viewer token', expiresAt: null }),
    );
    const listed = (await t.app.inject({ url: `/api/v1/admin/api-tokens/${viewerToken.row.id}`, headers: { cookie: adminCookie } })).json();
    expect(listed.permissions).toEqual(['access_requests.read', 'audit.read', 'users.read']);

    const first = (await t.app.inject({ url: '/api/v1/admin/api-tokens?limit=1', headers: { cookie: adminCookie } })).json();
    expect(first.items.map((i: { id: string }) => i.id)).toEqual([viewerToken.row.id]);
    const second = (await t.app.inject({ url: `/api/v1/admin/api-tokens?limit=1&cursor=${first.nextCursor}`, headers: { cookie: adminCookie } })).json();
    expect(second).toMatchObject({ items: [{ id }], nextCursor: null });
  });
});
