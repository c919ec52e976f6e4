import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import type { UserRow } from '../accounts/index.js';

let t: TestApp;
let adminCookie: string;
let person: UserRow;
let personCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  adminCookie = await signIn(t.app, (await seedUser(t.handle, { roles: ['admin'] })).email);
  person = await seedUser(t.handle, { roles: ['member'] });
  personCookie = await signIn(t.app, person.email);
});
afterEach(() => t.close());

const post = async (url: string, payload: object) => {
  const res = await t.app.inject({ method: 'POST', url, headers: asBrowser(adminCookie), payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json() as Record<string, { id: string }> & { id: string };
};
const registerWiki = async (access: { everyone: boolean; groupIds: string[] }) =>
  (
    await post('/api/v1/admin/apps', {
      name: 'Wiki',
      type: 'confidential',
      redirectUris: ['https://wiki.example.com/callback'],
      launchUrl: 'https://wiki.example.com',
      access,
    })
  ).app!.id;
const open = (appId: string, cookie?: string) => t.app.inject({ url: `/apps/${appId}/open`, headers: cookie ? { cookie } : {} });

describe('opening an app from Foyer', () => {
  it('sends an allowed person on to the app', async () => {
    const staff = await post('/api/v1/admin/groups', { name: 'Staff' });
    await post(`/api/v1/admin/groups/${staff.id}/members`, { userIds: [person.id] });
    const res = await open(await registerWiki({ everyone: false, groupIds: [staff.id] }), personCookie);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('https://wiki.example.com');
  });

  it("tells a refused person, in words, which groups an administrator can add them to, and records the refusal", async () => {
    const [editors, staff] = [await post('/api/v1/admin/groups', { name: 'Editors' }), await post('/api/v1/admin/groups', { name: 'Staff' })];
    const appId = await registerWiki({ everyone: false, groupIds: [staff.id, editors.id] });
    const res = await open(appId, personCookie);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain("You can't open Wiki");
    expect(res.body).toContain('Ask an administrator to add you to one of these groups: Editors, Staff.');
    const [audit] = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'app.access_denied'), eq(auditEvents.targetId, appId)));
    expect(audit?.details).toMatchObject({ userId: person.id, via: 'launch' });
  });

  it('does not name the groups to an External user, who may not read them', async () => {
    const staff = await post('/api/v1/admin/groups', { name: 'Staff' });
    const appId = await registerWiki({ everyone: false, groupIds: [staff.id] });
    const guest = await seedUser(t.handle, { roles: ['member'], profile: 'external' });
    const res = await open(appId, await signIn(t.app, guest.email));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Ask an administrator to give you access to it.');
    expect(res.body).not.toContain('Staff');
  });

  it('says when an app is open to nobody yet', async () => {
    const res = await open(await registerWiki({ everyone: false, groupIds: [] }), personCookie);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This app is open to nobody yet.');
  });

  it('leaves someone not signed in to the app, which asks Foyer and hears any refusal itself', async () => {
    const res = await open(await registerWiki({ everyone: false, groupIds: [] }));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('https://wiki.example.com');
  });

  it('answers an unknown app with a page, not an error', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      const res = await open(id, personCookie);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('This app is not in Foyer');
    }
  });
});
