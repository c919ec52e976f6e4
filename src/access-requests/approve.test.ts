import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { builtinRoleId, groupMembers, groups, roles, userRoles, users } from '../accounts/index.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { accessRequests } from './schema.js';

// Approvals queue mail; nothing is delivered in these tests, so the address only has to be configured.
let t: TestApp;
let adminCookie: string;
let engineering: string;
let memberRole: string;

beforeEach(async () => {
  t = await createTestApp({ FOYER_SMTP_URL: 'smtp://127.0.0.1:2525' });
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
  const settings = await t.app.inject({
    method: 'PATCH',
    url: '/api/v1/admin/settings',
    headers: asBrowser(adminCookie),
    payload: { registration: { accessRequestsEnabled: true } },
  });
  expect(settings.statusCode).toBe(200);
  const [group] = await t.handle.db.insert(groups).values({ name: 'Engineering', createdAt: new Date(), updatedAt: new Date() }).returning();
  engineering = group!.id;
  memberRole = await builtinRoleId(t.handle.db, 'member');
});
afterEach(() => t.close());

async function requestFrom(email: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/access-requests',
    headers: { origin: TEST_ORIGIN },
    payload: { email, name: 'Rita Requester', message: '' },
  });
  expect(res.statusCode).toBe(202);
  return (await t.handle.db.select().from(accessRequests).where(eq(accessRequests.emailKey, email)))[0]!.id;
}

const approve = (payload: object, cookie = adminCookie) =>
  t.app.inject({ method: 'POST', url: '/api/v1/admin/access-requests/approve', headers: asBrowser(cookie), payload });

const accountOf = async (email: string) => (await t.handle.db.select().from(users).where(eq(users.email, email)))[0]!;
const roleIdsOf = async (userId: string) =>
  (await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, userId))).map((r) => r.roleId).sort();
const groupIdsOf = async (userId: string) =>
  (await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, userId))).map((m) => m.groupId);

describe('approving with roles and groups', () => {
  it('gives a new account the chosen roles and groups', async () => {
    const id = await requestFrom('rita@example.com');
    const res = await approve({ ids: [id], roleIds: [memberRole], groupIds: [engineering] });
    expect(res.json()).toEqual({ results: [{ id, outcome: 'created_and_invited' }] });
    const rita = await accountOf('rita@example.com');
    expect(await roleIdsOf(rita.id)).toEqual([memberRole]);
    expect(await groupIdsOf(rita.id)).toEqual([engineering]);
    const [approved] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'access_request.approved'));
    expect(approved!.details).toMatchObject({ roleIds: [memberRole], groupIds: [engineering] });
  });

  it('adds them to an existing account, which keeps what it held', async () => {
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const existing = await seedUser(t.handle, { email: 'sam@example.com', roleIds: [viewer] });
    const id = await requestFrom('sam@example.com');
    const res = await approve({ ids: [id], roleIds: [memberRole], groupIds: [engineering] });
    expect(res.json()).toEqual({ results: [{ id, outcome: 'existing_account_approved' }] });
    expect(await roleIdsOf(existing.id)).toEqual([memberRole, viewer].sort());
    expect(await groupIdsOf(existing.id)).toEqual([engineering]);
    const changes = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, existing.id));
    expect(changes.map((e) => e.action)).toEqual(expect.arrayContaining(['user.roles_changed', 'user.groups_changed']));
  });

  it('refuses an unknown group before touching any request', async () => {
    const id = await requestFrom('rita@example.com');
    const res = await approve({ ids: [id], groupIds: ['7b0c1d2e-0000-4000-8000-000000000000'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toHaveProperty('groupIds');
    const [request] = await t.handle.db.select().from(accessRequests).where(eq(accessRequests.id, id));
    expect(request!.status).toBe('pending');
  });

  it('refuses roles carrying permissions the approver lacks, and changes nothing', async () => {
    const [approver] = await t.handle.db
      .insert(roles)
      .values({ name: 'Gatekeeper', permissions: ['users.read', 'users.create', 'access_requests.read', 'access_requests.approve'], createdAt: new Date() })
      .returning();
    const gatekeeper = await seedUser(t.handle, { roleIds: [approver!.id] });
    const id = await requestFrom('rita@example.com');
    const admin = await builtinRoleId(t.handle.db, 'admin');
    const res = await approve({ ids: [id], roleIds: [admin] }, await signIn(t.app, gatekeeper.email));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    expect(await t.handle.db.select().from(users).where(eq(users.email, 'rita@example.com'))).toEqual([]);
  });
});
