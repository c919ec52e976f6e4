import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAudit } from '../audit/record.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { sessions } from '../auth/sessions/schema.js';
import { DETAIL_SESSIONS } from './detail.js';
import { seedGroup, seedRole } from './testing.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof seedUser>>;
let cookie: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin' });
  cookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const get = (url: string, as = cookie) => t.app.inject({ url, headers: { cookie: as } });
const patch = (url: string, payload: object, as = cookie) => t.app.inject({ method: 'PATCH', url, headers: asBrowser(as), payload });

describe('GET /api/v1/admin/users/:id', () => {
  it('shows profile, roles, groups, effective permissions, status, auth method, email validation, sessions and the trail', async () => {
    const role = await seedRole(t.handle, 'Auditor', ['audit.read']);
    const user = await seedUser(t.handle, { name: 'Bo', roleIds: [role.id], emailVerified: true });
    const group = await seedGroup(t.handle, 'Readers', [role.id], [user.id]);
    await signIn(t.app, user.email);

    const res = await get(`/api/v1/admin/users/${user.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({
      id: user.id,
      name: 'Bo',
      status: 'active',
      profile: 'member',
      authMethod: 'local',
      emailVerified: true,
      roles: [{ id: role.id, name: 'Auditor' }],
      groups: [{ id: group.id, name: 'Readers' }],
      permissions: ['audit.read'],
      lastLoginAt: expect.any(String),
    });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.sessions).toHaveLength(1);
    expect(body.auditTrail.items.map((e: { action: string }) => e.action)).toEqual(['auth.login.succeeded', 'user.created']);
    expect(body.auditTrail.items[0]).toMatchObject({ actor: { type: 'user', id: user.id, name: 'Bo' }, target: { type: 'user', id: user.id, name: 'Bo' } });

    // Your own session is marked as the current one.
    const own = (await get(`/api/v1/admin/users/${admin.id}`)).json();
    expect(own.sessions.map((s: { current: boolean }) => s.current)).toEqual([true]);
  });

  it('leaves the trail out for readers without audit.read', async () => {
    const reader = await seedUser(t.handle, { roleIds: [(await seedRole(t.handle, 'Reader', ['users.read'])).id] });
    const readerCookie = await signIn(t.app, reader.email);
    const res = await get(`/api/v1/admin/users/${admin.id}`, readerCookie);
    expect(res.statusCode).toBe(200);
    expect(res.json().auditTrail).toBeNull();
    expect((await get(`/api/v1/admin/users/${admin.id}/audit-events`, readerCookie)).statusCode).toBe(403);
  });

  it('loads at most the most recently used sessions, however many the person has open', async () => {
    const user = await seedUser(t.handle);
    const now = Date.now();
    await t.handle.db.insert(sessions).values(
      Array.from({ length: DETAIL_SESSIONS + 5 }, (_, i) => ({
        id: `s-${i}`,
        secretHash: `h-${i}`,
        userId: user.id,
        createdAt: new Date(now - i * 1000),
        lastSeenAt: new Date(now - i * 1000),
        idleExpiresAt: new Date(now + 86_400_000),
        absoluteExpiresAt: new Date(now + 86_400_000),
      })),
    );
    const body = (await get(`/api/v1/admin/users/${user.id}`)).json();
    expect(body.sessions).toHaveLength(DETAIL_SESSIONS);
    expect(body.sessions[0].id).toBe('s-0');
  });

  it('answers 404 for unknown and malformed ids', async () => {
    expect((await get('/api/v1/admin/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await get('/api/v1/admin/users/bulk')).statusCode).toBe(404);
  });
});

describe('GET /api/v1/admin/users/:id/audit-events', () => {
  it('pages newest first through events where the user is target, actor, or acted through their API token', async () => {
    const bo = await seedUser(t.handle, { name: 'Bo', roles: ['admin'] });
    const boCookie = await signIn(t.app, bo.email);
    const other = await seedUser(t.handle, { name: 'Cy' });
    for (const name of ['Cy 1', 'Cy 2', 'Cy 3']) await patch(`/api/v1/admin/users/${other.id}`, { name }, boCookie);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(boCookie), payload: { name: 'bo-script' } });
    const { token, id: tokenId } = created.json();
    await t.app.inject({ method: 'PATCH', url: `/api/v1/admin/users/${other.id}`, headers: { authorization: `Bearer ${token}` }, payload: { name: 'Cy by token' } });
    await patch(`/api/v1/admin/users/${bo.id}`, { name: 'Bo B' });

    const all: { action: string; actor: { type: string; name: string }; target: { name: string } | null }[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/v1/admin/users/${bo.id}/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      all.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);

    expect(all.map((e) => e.action)).toEqual([
      'user.updated', // Ada renames Bo
      'user.updated', // through Bo's token
      'api_token.used',
      'api_token.created',
      'user.updated',
      'user.updated',
      'user.updated',
      'auth.login.succeeded',
      'user.created',
    ]);
    expect(all[0]).toMatchObject({ actor: { type: 'user', name: 'Ada Admin' }, target: { name: 'Bo B' } });
    expect(all[1]).toMatchObject({ actor: { type: 'api_token', id: tokenId, name: 'Bo B' }, target: { name: 'Cy by token' } });
    expect(all[3]).toMatchObject({ target: { type: 'api_token', name: 'bo-script' } });
  });

  it('names the groups an event targets', async () => {
    const group = await seedGroup(t.handle, 'Night shift');
    const context = { actorType: 'user' as const, actorId: admin.id, ip: null, userAgent: null, now: new Date() };
    await recordAudit(t.handle.db, context, { action: 'group.updated', targetType: 'group', targetId: group.id });
    const [latest] = (await get(`/api/v1/admin/users/${admin.id}/audit-events?limit=1`)).json().items;
    expect(latest).toMatchObject({ action: 'group.updated', target: { type: 'group', id: group.id, name: 'Night shift' } });
  });
});
