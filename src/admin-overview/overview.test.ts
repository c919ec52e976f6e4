import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { roles } from '../accounts/index.js';

let t: TestApp;
let adminCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { name: 'Ada Admin', roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterAll(() => t.close());

const overview = (cookie: string) => t.app.inject({ url: '/api/v1/admin/overview', headers: { cookie } });
const asAdmin = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
  const res = await t.app.inject({ method, url, headers: asBrowser(adminCookie), payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};
const doneItems = async () => {
  const body = (await overview(adminCookie)).json();
  return Object.fromEntries(body.checklist.map((c: { item: string; done: boolean }) => [c.item, c.done]));
};
/** Someone holding exactly these permissions, signed in. */
async function holderOf(permissions: string[], profile: 'member' | 'external' = 'member') {
  const [role] = await t.handle.db.insert(roles).values({ name: `Only ${permissions.join(' ')} ${profile}`, description: '', permissions }).returning();
  const user = await seedUser(t.handle, { profile, roleIds: [role!.id] });
  return signIn(t.app, user.email);
}

describe('GET /api/v1/admin/overview', () => {
  it('starts with every setup step to do and nothing waiting', async () => {
    const res = await overview(adminCookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json().checklist).toEqual([
      { item: 'mail', done: false },
      { item: 'allowed_domains', done: false },
      { item: 'sign_in_policy', done: false },
      { item: 'first_app', done: false },
      { item: 'first_invitation', done: false },
    ]);
    expect(res.json().counts).toEqual({ pendingAccessRequests: 0, pendingInvitations: 0, disabledAccounts: 0 });
  });

  it('ticks each step and changes each count as the instance is set up', async () => {
    await asAdmin('PATCH', '/api/v1/admin/settings', { mail: { host: 'smtp.example.com', fromAddress: 'foyer@example.com' } });
    expect(await doneItems()).toMatchObject({ mail: true, allowed_domains: false });
    await asAdmin('PATCH', '/api/v1/admin/settings', { allowedDomains: ['example.com'] });
    expect(await doneItems()).toMatchObject({ allowed_domains: true, sign_in_policy: false });
    // Saving the sign-in policy unchanged still says it was reviewed.
    await asAdmin('PATCH', '/api/v1/admin/settings', { mfa: {} });
    expect(await doneItems()).toMatchObject({ sign_in_policy: true, first_app: false });
    await asAdmin('POST', '/api/v1/admin/apps', {
      name: 'Wiki',
      type: 'confidential',
      redirectUris: ['https://wiki.example.com/cb'],
      access: { everyone: true, groupIds: [] },
    });
    expect(await doneItems()).toMatchObject({ first_app: true, first_invitation: false });

    await asAdmin('POST', '/api/v1/admin/invitations', { name: 'Ivy Invited', email: 'ivy@example.com', sendEmail: false });
    const pat = await seedUser(t.handle, { name: 'Pat Parted' });
    await asAdmin('POST', `/api/v1/admin/users/${pat.id}/disable`, {});
    await asAdmin('PATCH', '/api/v1/admin/settings', { registration: { accessRequestsEnabled: true } });
    const requested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/access-requests',
      headers: { origin: TEST_ORIGIN },
      payload: { name: 'Rita Requester', email: 'rita@example.com', message: 'Front desk.' },
    });
    expect(requested.statusCode).toBe(202);

    const body = (await overview(adminCookie)).json();
    expect(body.checklist.every((c: { done: boolean }) => c.done)).toBe(true);
    expect(body.counts).toEqual({ pendingAccessRequests: 1, pendingInvitations: 1, disabledAccounts: 1 });
    // Newest first, with the names of who did what to whom.
    expect(body.recentActivity.length).toBeLessThanOrEqual(10);
    expect(body.recentActivity[0]).toMatchObject({ action: 'access_request.created' });
    const disabled = body.recentActivity.find((e: { action: string }) => e.action === 'user.disabled');
    expect(disabled).toMatchObject({ actor: { type: 'user', name: 'Ada Admin' }, target: { type: 'user', name: 'Pat Parted' } });
  });

  it('shows each part only to who may see it', async () => {
    const reader = (await overview(await holderOf(['users.read']))).json();
    expect(reader.checklist).toEqual([]);
    expect(reader.counts).toEqual({ pendingAccessRequests: null, pendingInvitations: null, disabledAccounts: expect.any(Number) });
    expect(reader.recentActivity).toBeNull();

    const settingsOnly = (await overview(await holderOf(['settings.manage']))).json();
    expect(settingsOnly.checklist.map((c: { item: string }) => c.item)).toEqual(['mail', 'allowed_domains', 'sign_in_policy']);
    expect(settingsOnly.counts).toEqual({ pendingAccessRequests: null, pendingInvitations: null, disabledAccounts: null });

    const auditor = (await overview(await holderOf(['audit.read']))).json();
    expect(auditor.recentActivity).toEqual(expect.any(Array));

    // External users never learn about other people, whatever they hold.
    const external = (await overview(await holderOf(['audit.read', 'users.read', 'invitations.manage', 'settings.manage'], 'external'))).json();
    expect(external.recentActivity).toBeNull();
    expect(external.counts).toEqual({ pendingAccessRequests: null, pendingInvitations: null, disabledAccounts: null });
    expect(external.checklist.map((c: { item: string }) => c.item)).toEqual(['mail', 'allowed_domains', 'sign_in_policy']);
  });

  it('refuses people without any administration permission, and anyone signed out', async () => {
    const member = await seedUser(t.handle, { roles: ['member'] });
    expect((await overview(await signIn(t.app, member.email))).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/admin/overview' })).statusCode).toBe(401);
  });
});
