import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { ALL_PERMISSIONS, BUILTIN_ROLES, PERMISSION_AREAS, roles, withRequiredPermissions } from '../accounts/index.js';

let t: TestApp;
let adminCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const send = (method: 'POST' | 'PATCH', url: string, payload: object, cookie = adminCookie) =>
  t.app.inject({ method, url, headers: asBrowser(cookie), payload });

describe('the permission catalogue', () => {
  it('requires only permissions it knows, and every built-in role already holds what its permissions require', () => {
    for (const area of PERMISSION_AREAS) {
      for (const p of area.permissions) expect(ALL_PERMISSIONS).toEqual(expect.arrayContaining([...p.requires]));
    }
    for (const role of BUILTIN_ROLES) expect(withRequiredPermissions(role.permissions)).toEqual([...role.permissions].sort());
  });

  it('follows requirements to the end', () => {
    expect(withRequiredPermissions(['access_requests.restore'])).toEqual([
      'access_requests.read',
      'access_requests.restore',
      'access_requests.view_deleted',
    ]);
    expect(withRequiredPermissions(['apps.manage', 'users.update'])).toEqual(['apps.manage', 'apps.read', 'users.read', 'users.update']);
  });

  it('is served with a sentence and the requirements of each permission', async () => {
    const res = await t.app.inject({ url: '/api/v1/admin/permissions', headers: { cookie: adminCookie } });
    expect(res.statusCode).toBe(200);
    const permissions = (res.json() as { areas: { permissions: { key: string; explanation: string; requires: string[] }[] }[] }).areas.flatMap(
      (a) => a.permissions,
    );
    expect(permissions.find((p) => p.key === 'access_requests.approve')).toMatchObject({ requires: ['access_requests.read'] });
    expect(permissions.find((p) => p.key === 'users.read')).toMatchObject({ requires: [] });
    for (const p of permissions) expect(p.explanation).toMatch(/\.$/);
  });
});

describe('saving a role', () => {
  it('adds the permissions its permissions require and says which, on create and on update', async () => {
    const created = await send('POST', '/api/v1/admin/roles', { name: 'Gatekeeper', permissions: ['access_requests.approve'] });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      permissions: ['access_requests.approve', 'access_requests.read'],
      requiredPermissionsAdded: ['access_requests.read'],
    });
    const id = (created.json() as { id: string }).id;

    const updated = await send('PATCH', `/api/v1/admin/roles/${id}`, { permissions: ['users.update', 'apps.manage'] });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({
      permissions: ['apps.manage', 'apps.read', 'users.read', 'users.update'],
      requiredPermissionsAdded: ['apps.read', 'users.read'],
    });
    const [stored] = await t.handle.db.select().from(roles).where(eq(roles.id, id));
    expect([...stored!.permissions].sort()).toEqual(['apps.manage', 'apps.read', 'users.read', 'users.update']);
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'role.updated'));
    expect(event!.details).toMatchObject({ permissions: { requiredPermissionsAdded: ['apps.read', 'users.read'] } });
  });

  it('adds nothing when the requirements are already there', async () => {
    const created = await send('POST', '/api/v1/admin/roles', { name: 'Readers', permissions: ['users.read', 'users.update'] });
    expect(created.json()).toMatchObject({ permissions: ['users.read', 'users.update'], requiredPermissionsAdded: [] });
  });

  it('refuses when the actor lacks a required permission, naming it', async () => {
    const [role] = await t.handle.db
      .insert(roles)
      .values({ name: 'Half', permissions: ['roles.manage', 'access_requests.approve'], createdAt: new Date() })
      .returning();
    const user = await seedUser(t.handle, { roleIds: [role!.id] });
    const res = await send('POST', '/api/v1/admin/roles', { name: 'Try', permissions: ['access_requests.approve'] }, await signIn(t.app, user.email));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'forbidden', details: { missingPermissions: ['access_requests.read'] } } });
  });
});
