import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { sessions } from './schema.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0';

async function signInWith(identifier: string, userAgent: string, remoteAddress = '127.0.0.1') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: TEST_ORIGIN, 'user-agent': userAgent },
    payload: { identifier, password: 'correct horse battery' },
    remoteAddress,
  });
  const cookie = res.cookies.find((c) => c.name === 'foyer_session')!;
  return `${cookie.name}=${cookie.value}`;
}

const sessionIdOf = (cookie: string) => cookie.split('=')[1]!.split('.')[0]!;
const auditOf = (action: string) => t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, action));

describe('own sessions', () => {
  it('lists open sessions with device, browser, IP and which one is current', async () => {
    const user = await seedUser(t.handle);
    const phone = await signInWith(user.email, 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile/15E148 Safari/604.1', '10.0.0.7');
    const desk = await signInWith(user.email, FIREFOX);
    const res = await t.app.inject({ url: '/api/v1/me/sessions', headers: { cookie: desk } });
    expect(res.statusCode).toBe(200);
    const { items, nextCursor } = res.json();
    expect(nextCursor).toBeNull();
    expect(items).toEqual([
      expect.objectContaining({ id: sessionIdOf(desk), label: 'Firefox on Windows', device: 'desktop', current: true, ip: '127.0.0.1' }),
      expect.objectContaining({ id: sessionIdOf(phone), label: 'Safari on iOS', device: 'mobile', current: false, ip: '10.0.0.7' }),
    ]);
    expect(items[0]).toMatchObject({ createdAt: expect.any(String), lastSeenAt: expect.any(String), expiresAt: expect.any(String) });
  });

  it('pages through many sessions without repeating one', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const now = new Date();
    await t.handle.db.insert(sessions).values(
      Array.from({ length: 5 }, (_, i) => ({
        id: `extra-${i}`,
        secretHash: 'x',
        userId: user.id,
        createdAt: new Date(now.getTime() - (i + 1) * 60_000),
        lastSeenAt: now,
        idleExpiresAt: new Date(now.getTime() + 86_400_000),
        absoluteExpiresAt: new Date(now.getTime() + 86_400_000),
      })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await t.app.inject({ url: `/api/v1/me/sessions?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: { cookie } })
      ).json();
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([sessionIdOf(cookie), 'extra-0', 'extra-1', 'extra-2', 'extra-3', 'extra-4']);
  });

  it('ends one of your sessions, and not anyone else’s', async () => {
    const user = await seedUser(t.handle);
    const other = await seedUser(t.handle);
    const a = await signIn(t.app, user.email);
    const b = await signIn(t.app, user.email);
    const theirs = await signIn(t.app, other.email);
    const end = (id: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${id}`, headers: asBrowser(a) });
    expect((await end(sessionIdOf(theirs))).statusCode).toBe(404);
    expect((await end(sessionIdOf(b))).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: b } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: theirs } })).statusCode).toBe(200);
    const [event] = await auditOf('session.ended');
    expect(event).toMatchObject({ actorId: user.id, targetId: user.id, details: { sessionId: sessionIdOf(b), current: false } });
  });

  it('ending the current session signs you out and clears the cookie', async () => {
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${sessionIdOf(cookie)}`, headers: asBrowser(cookie) });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'foyer_session')?.value).toBe('');
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });

  it('ends every other session and keeps this one', async () => {
    const user = await seedUser(t.handle);
    const here = await signIn(t.app, user.email);
    const others = [await signIn(t.app, user.email), await signIn(t.app, user.email)];
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/me/sessions', headers: asBrowser(here) });
    expect(res.json()).toEqual({ ended: 2 });
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: here } })).statusCode).toBe(200);
    for (const cookie of others) expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    const [event] = await auditOf('session.others_ended');
    expect(event!.details).toEqual({ sessionsEnded: 2 });
  });
});

describe("an administrator and someone else's sessions", () => {
  it('lists them with users.read and ends them all with users.update', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const user = await seedUser(t.handle);
    const theirs = await signInWith(user.email, FIREFOX);
    const adminCookie = await signIn(t.app, admin.email);
    const list = await t.app.inject({ url: `/api/v1/admin/users/${user.id}/sessions`, headers: { cookie: adminCookie } });
    expect(list.json().items).toEqual([expect.objectContaining({ id: sessionIdOf(theirs), label: 'Firefox on Windows', current: false })]);
    const end = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/users/${user.id}/sessions`, headers: asBrowser(adminCookie) });
    expect(end.json()).toEqual({ ended: 1 });
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: theirs } })).statusCode).toBe(401);
    const [event] = await auditOf('user.sessions_ended');
    expect(event).toMatchObject({ actorId: admin.id, targetId: user.id });
  });

  it('answers 404 for unknown users, 403 without the permission or to external users', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const member = await seedUser(t.handle);
    const external = await seedUser(t.handle, { roles: ['admin'], profile: 'external' });
    const read = async (who: string, id: string) =>
      t.app.inject({ url: `/api/v1/admin/users/${id}/sessions`, headers: { cookie: await signIn(t.app, who) } });
    expect((await read(admin.email, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await read(admin.email, 'nope')).statusCode).toBe(404);
    expect((await read(member.email, admin.id)).statusCode).toBe(403);
    expect((await read(external.email, member.id)).statusCode).toBe(403);
  });
});
