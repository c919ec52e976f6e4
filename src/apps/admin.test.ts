import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import type { UserRow } from '../accounts/index.js';
import { apps } from './schema.js';

let t: TestApp;
let admin: UserRow;
let adminCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const send = (method: 'POST' | 'PATCH' | 'DELETE', cookie: string, url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: asBrowser(cookie), ...(payload === undefined ? {} : { payload: payload as object }) });
const get = (cookie: string, url: string) => t.app.inject({ url, headers: { cookie } });

const newApp = (overrides: Record<string, unknown> = {}) => ({
  name: 'Wiki',
  type: 'confidential',
  redirectUris: ['https://wiki.example.com/callback'],
  access: { everyone: false, groupIds: [] },
  ...overrides,
});

async function createGroup(name: string) {
  const res = await send('POST', adminCookie, '/api/v1/admin/groups', { name });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

describe('admin apps API', () => {
  it('creates a confidential app, shows its secret once and stores only a digest', async () => {
    const res = await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ launchUrl: 'https://wiki.example.com' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { app, clientSecret } = res.json();
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(app).toMatchObject({ name: 'Wiki', type: 'confidential', requireConsent: true, access: { everyone: false, groupIds: [] } });
    expect(app.issuer).toBe(t.config.publicUrl.origin);
    const [row] = await t.handle.db.select().from(apps).where(eq(apps.id, app.id));
    expect(row!.clientSecretHash).not.toContain(clientSecret);
    expect(JSON.stringify(row)).not.toContain(clientSecret);
    const read = await get(adminCookie, `/api/v1/admin/apps/${app.id}`);
    expect(read.json()).not.toHaveProperty('clientSecret');
    const events = await t.handle.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'app.created'), eq(auditEvents.targetId, app.id)));
    expect(events).toHaveLength(1);
  });

  it('gives a public app no secret and refuses to rotate one', async () => {
    const res = await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ type: 'public' }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).not.toHaveProperty('clientSecret');
    const rotate = await send('POST', adminCookie, `/api/v1/admin/apps/${res.json().app.id}/secret`);
    expect(rotate.statusCode).toBe(409);
    expect(rotate.json().error.code).toBe('app_is_public');
  });

  it.each([
    ['relative', '/callback'],
    ['plain http to another host', 'http://wiki.example.com/callback'],
    ['a fragment', 'https://wiki.example.com/callback#x'],
    ['another scheme', 'javascript:alert(1)'],
  ])('refuses a redirect URI that is %s', async (_label, uri) => {
    const res = await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ redirectUris: [uri] }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toHaveProperty('redirectUris.0');
  });

  it('refuses a blank name or no redirect URI with the sentences the console shows', async () => {
    const res = await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ name: ' ', redirectUris: [] }));
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { name: 'Give the app a name.', redirectUris: 'Enter at least one redirect URI.' } },
    });
  });

  it('accepts http on loopback', async () => {
    const res = await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ redirectUris: ['http://127.0.0.1:8080/cb', 'http://localhost/cb'] }));
    expect(res.statusCode, res.body).toBe(201);
  });

  it('lists, edits, rotates and deletes', async () => {
    const group = await createGroup('Staff');
    const { app } = (await send('POST', adminCookie, '/api/v1/admin/apps', newApp())).json();
    const list = await get(adminCookie, '/api/v1/admin/apps');
    expect(list.json().items.map((a: { id: string }) => a.id)).toEqual([app.id]);
    const edited = await send('PATCH', adminCookie, `/api/v1/admin/apps/${app.id}`, { name: 'Team wiki', access: { everyone: false, groupIds: [group.id] } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ name: 'Team wiki', access: { groupIds: [group.id], groups: [{ id: group.id, name: 'Staff' }] } });
    const unknownGroup = await send('PATCH', adminCookie, `/api/v1/admin/apps/${app.id}`, { access: { everyone: false, groupIds: ['nope'] } });
    expect(unknownGroup.statusCode).toBe(400);
    const rotated = await send('POST', adminCookie, `/api/v1/admin/apps/${app.id}/secret`);
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json().clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await send('DELETE', adminCookie, `/api/v1/admin/apps/${app.id}`)).statusCode).toBe(204);
    expect((await get(adminCookie, `/api/v1/admin/apps/${app.id}`)).statusCode).toBe(404);
    expect((await get(adminCookie, '/api/v1/admin/apps/not-a-uuid')).statusCode).toBe(404);
  });

  it('needs apps.read to read and apps.manage to change', async () => {
    const member = await seedUser(t.handle, { roles: ['member'] });
    const cookie = await signIn(t.app, member.email);
    expect((await get(cookie, '/api/v1/admin/apps')).statusCode).toBe(403);
    expect((await send('POST', cookie, '/api/v1/admin/apps', newApp())).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/admin/apps' })).statusCode).toBe(401);
  });
});

describe('who may open an app', () => {
  it('answers each person their apps with why, and the Try it panel says the claims and the reason', async () => {
    const staff = await createGroup('Staff');
    const member = await seedUser(t.handle, { roles: ['member'], name: 'Ada Lovelace', username: 'ada' });
    const outsider = await seedUser(t.handle, { roles: ['member'] });
    expect((await send('POST', adminCookie, `/api/v1/admin/groups/${staff.id}/members`, { userIds: [member.id] })).statusCode).toBe(200);
    const wiki = (await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ launchUrl: 'https://wiki.example.com', access: { everyone: false, groupIds: [staff.id] } }))).json().app;
    const chat = (await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ name: 'Chat', access: { everyone: true, groupIds: [] } }))).json().app;
    await send('POST', adminCookie, '/api/v1/admin/apps', newApp({ name: 'Nobody yet' }));

    const theirs = await get(adminCookie, `/api/v1/admin/users/${member.id}/apps`);
    expect(theirs.statusCode, theirs.body).toBe(200);
    expect(theirs.json().items.map((a: { name: string; reason: unknown }) => [a.name, a.reason])).toEqual([
      ['Chat', { everyone: true, groups: [] }],
      ['Wiki', { everyone: false, groups: [{ id: staff.id, name: 'Staff' }] }],
    ]);

    const mine = await get(await signIn(t.app, outsider.email), '/api/v1/me/apps');
    expect(mine.json().items).toEqual([{ id: chat.id, name: 'Chat', launchUrl: null, logoUrl: null, lastSignInAt: null, consentedAt: null }]);

    const allowed = await get(adminCookie, `/api/v1/admin/apps/${wiki.id}/preview?userId=${member.id}`);
    expect(allowed.json()).toMatchObject({
      allowed: true,
      explanation: 'Allowed as a member of Staff.',
      claims: { sub: member.id, name: 'Ada Lovelace', preferred_username: 'ada', email: member.email, email_verified: false, groups: ['Staff'] },
    });
    const refused = await get(adminCookie, `/api/v1/admin/apps/${wiki.id}/preview?userId=${outsider.id}`);
    expect(refused.json()).toMatchObject({ allowed: false, claims: {} });
    expect(refused.json().explanation).toContain('add this person to one of them');
  });

  it('keeps External users from seeing other people’s apps', async () => {
    const external = await seedUser(t.handle, { roles: ['admin'], profile: 'external' });
    const cookie = await signIn(t.app, external.email);
    expect((await get(cookie, `/api/v1/admin/users/${admin.id}/apps`)).statusCode).toBe(403);
    expect((await get(cookie, '/api/v1/me/apps')).statusCode).toBe(200);
  });
});
