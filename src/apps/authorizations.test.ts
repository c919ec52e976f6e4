import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import type { UserRow } from '../accounts/index.js';
import { appAuthorizations } from './schema.js';

let t: TestApp;
let adminCookie: string;
let person: UserRow;
let personCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
  person = await seedUser(t.handle, {});
  personCookie = await signIn(t.app, person.email);
});
afterEach(() => t.close());

async function registerApp(name: string, everyone: boolean) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/apps',
    headers: asBrowser(adminCookie),
    payload: { name, type: 'confidential', redirectUris: ['https://app.example.com/cb'], access: { everyone, groupIds: [] } },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().app as { id: string };
}

const consent = (appId: string, consentedAt: Date, scopes: string[]) =>
  t.handle.db.insert(appAuthorizations).values({ appId, userId: person.id, consentedAt, consentedScopes: scopes });

const listAuthorizations = (cookie: string) => t.app.inject({ url: '/api/v1/me/authorizations', headers: { cookie } });

describe('GET /api/v1/me/authorizations', () => {
  it('lists the apps the person allowed, newest first, even one they may no longer open, and not after withdrawing', async () => {
    const wiki = await registerApp('Wiki', true);
    const closed = await registerApp('Closed', false);
    await registerApp('Untouched', true);
    await consent(wiki.id, new Date('2026-01-02T00:00:00Z'), ['openid', 'profile']);
    await consent(closed.id, new Date('2026-01-03T00:00:00Z'), ['openid']);

    const res = await listAuthorizations(personCookie);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json().items).toEqual([
      { id: closed.id, name: 'Closed', logoUrl: null, launchUrl: null, scopes: ['openid'], consentedAt: '2026-01-03T00:00:00.000Z', lastSignInAt: null },
      { id: wiki.id, name: 'Wiki', logoUrl: null, launchUrl: null, scopes: ['openid', 'profile'], consentedAt: '2026-01-02T00:00:00.000Z', lastSignInAt: null },
    ]);

    const withdraw = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/apps/${wiki.id}/authorization`, headers: asBrowser(personCookie) });
    expect(withdraw.statusCode, withdraw.body).toBe(204);
    expect((await listAuthorizations(personCookie)).json().items.map((a: { id: string }) => a.id)).toEqual([closed.id]);
  });

  it("shows only the person's own consents and needs a session", async () => {
    const wiki = await registerApp('Wiki', true);
    await consent(wiki.id, new Date(), ['openid']);
    expect((await listAuthorizations(adminCookie)).json().items).toEqual([]);
    expect((await t.app.inject({ url: '/api/v1/me/authorizations' })).statusCode).toBe(401);
  });
});
