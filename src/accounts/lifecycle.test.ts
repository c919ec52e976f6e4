import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiTokens } from '../api-tokens/schema.js';
import { loginLinks } from '../login-links/schema.js';
import { oneTimeTokens } from '../auth/one-time-tokens/schema.js';
import { issueOneTimeToken, issueReferencedOneTimeToken } from '../auth/one-time-tokens/service.js';
import { sessions } from '../auth/sessions/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { users } from './schema.js';
import { registerAccessHolder, type AccessEndCause } from './index.js';

/**
 * Every way a person loses access goes through endAccess, which calls every registered holder inside the change's own
 * transaction. A holder registered here records what it was asked to end, and can make the change fail after the
 * real holders (sessions, API tokens, links) already ran, which must then leave all of them untouched.
 */
const asked: { userId: string; cause: AccessEndCause }[] = [];
let failing = false;
// Workers run file after file in one process (vitest.config.ts), so the registration ends with this file.
let unregister: () => void;
beforeAll(() => {
  unregister = registerAccessHolder({
    name: 'test_holder',
    async end(_tx, { userId, cause }) {
      if (failing) throw new Error('the test holder refuses');
      asked.push({ userId, cause });
      return 0;
    },
  });
});
afterAll(() => unregister());

let t: TestApp;
let adminCookie: string;
beforeEach(async () => {
  asked.length = 0;
  failing = false;
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const call = (method: 'POST' | 'DELETE', url: string, cookie = adminCookie, payload?: object) =>
  t.app.inject({ method, url, headers: asBrowser(cookie), ...(payload ? { payload } : {}) });

/** A person holding one of everything: two sessions, an API token, an unused set-password link and a login link (two unused tokens). */
async function personWithAccess() {
  const person = await seedUser(t.handle, { roles: ['admin'] });
  const cookie = await signIn(t.app, person.email);
  await signIn(t.app, person.email);
  const token = await call('POST', '/api/v1/admin/api-tokens', cookie, { name: 'script' });
  expect(token.statusCode).toBe(201);
  const now = new Date();
  await issueOneTimeToken(t.handle.db, { purpose: 'set_password', userId: person.id, ttlMs: 60_000, now });
  const loginLink = await issueReferencedOneTimeToken(t.handle.db, { purpose: 'login_link', userId: person.id, ttlMs: 60_000, now });
  await t.handle.db.insert(loginLinks).values({ userId: person.id, tokenId: loginLink.id, createdAt: now, expiresAt: new Date(now.getTime() + 60_000) });
  return { person, cookie };
}

async function heldBy(userId: string) {
  const db = t.handle.db;
  return {
    sessions: (await db.select().from(sessions).where(eq(sessions.userId, userId))).length,
    liveApiTokens: (await db.select().from(apiTokens).where(eq(apiTokens.createdBy, userId))).filter((r) => !r.revokedAt).length,
    unusedLinks: (await db.select().from(oneTimeTokens).where(eq(oneTimeTokens.userId, userId))).length,
    liveLoginLinks: (await db.select().from(loginLinks).where(eq(loginLinks.userId, userId))).filter((r) => !r.revokedAt).length,
  };
}

const statusOf = async (userId: string) => (await t.handle.db.select().from(users).where(eq(users.id, userId)))[0]!.status;

describe('endAccess on every way of losing access', () => {
  it('disabling ends the sessions and asks every holder; tokens and links wait for the account to be enabled', async () => {
    const { person } = await personWithAccess();
    expect((await call('POST', `/api/v1/admin/users/${person.id}/disable`)).statusCode).toBe(200);
    expect(asked).toEqual([{ userId: person.id, cause: 'disabled' }]);
    expect(await heldBy(person.id)).toEqual({ sessions: 0, liveApiTokens: 1, unusedLinks: 2, liveLoginLinks: 1 });
  });

  it('revoking ends everything the account holds', async () => {
    const { person } = await personWithAccess();
    expect((await call('POST', `/api/v1/admin/users/${person.id}/revoke`)).statusCode).toBe(200);
    expect(asked).toEqual([{ userId: person.id, cause: 'revoked' }]);
    expect(await heldBy(person.id)).toEqual({ sessions: 0, liveApiTokens: 0, unusedLinks: 0, liveLoginLinks: 0 });
  });

  it('deleting ends everything the account holds', async () => {
    const { person } = await personWithAccess();
    expect((await call('DELETE', `/api/v1/admin/users/${person.id}`)).statusCode).toBe(204);
    expect(asked).toEqual([{ userId: person.id, cause: 'deleted' }]);
    expect(await heldBy(person.id)).toEqual({ sessions: 0, liveApiTokens: 0, unusedLinks: 0, liveLoginLinks: 0 });
  });

  it("an administrator's \"end sessions\" ends the sessions and asks every holder", async () => {
    const { person } = await personWithAccess();
    const res = await call('DELETE', `/api/v1/admin/users/${person.id}/sessions`);
    expect(res.json()).toEqual({ ended: 2 });
    expect(asked).toEqual([{ userId: person.id, cause: 'sessions_ended_by_admin' }]);
    expect(await heldBy(person.id)).toEqual({ sessions: 0, liveApiTokens: 1, unusedLinks: 2, liveLoginLinks: 1 });
  });

  it('signing out everywhere keeps the session that asked and asks every holder', async () => {
    const { person, cookie } = await personWithAccess();
    expect((await call('DELETE', '/api/v1/me/sessions', cookie)).json()).toEqual({ ended: 1 });
    expect(asked).toEqual([{ userId: person.id, cause: 'signed_out_everywhere' }]);
    expect(await heldBy(person.id)).toEqual({ sessions: 1, liveApiTokens: 1, unusedLinks: 2, liveLoginLinks: 1 });
  });

  it('bulk disabling asks every holder for each person', async () => {
    const { person } = await personWithAccess();
    const other = await seedUser(t.handle);
    const res = await call('POST', '/api/v1/admin/users/bulk', adminCookie, { userIds: [person.id, other.id], action: { type: 'disable' } });
    expect(res.statusCode).toBe(200);
    expect(asked.map((a) => a.userId).sort()).toEqual([person.id, other.id].sort());
  });
});

describe('endAccess runs in the transaction of the change', () => {
  const paths: [string, (id: string, cookie: string) => Promise<{ statusCode: number }>][] = [
    ['disable', (id) => call('POST', `/api/v1/admin/users/${id}/disable`)],
    ['revoke', (id) => call('POST', `/api/v1/admin/users/${id}/revoke`)],
    ['delete', (id) => call('DELETE', `/api/v1/admin/users/${id}`)],
    ['end sessions', (id) => call('DELETE', `/api/v1/admin/users/${id}/sessions`)],
    ['sign out everywhere', (_id, cookie) => call('DELETE', '/api/v1/me/sessions', cookie)],
  ];
  for (const [name, run] of paths) {
    it(`${name}: a holder that fails undoes the change and everything the other holders ended`, async () => {
      const { person, cookie } = await personWithAccess();
      const before = await heldBy(person.id);
      failing = true;
      expect((await run(person.id, cookie)).statusCode).toBe(500);
      expect(await heldBy(person.id)).toEqual(before);
      expect(await statusOf(person.id)).toBe('active');
    });
  }
});
