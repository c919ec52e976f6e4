import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { mailOutbox } from '../mail/schema.js';
import { hashSecret } from '../platform/crypto.js';
import { pruneRetained } from '../platform/retention.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { seedRole } from '../users/testing.js';
import { oneTimeTokens } from '../auth/one-time-tokens/schema.js';
import { loginLinks } from './schema.js';

let t: TestApp;
let adminCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin' });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const issue = (userId: string, send: boolean, cookie = adminCookie) =>
  t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${userId}/login-link`, headers: asBrowser(cookie), payload: { send } });
const use = (token: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login-link', headers: { origin: TEST_ORIGIN }, payload: { token } });
const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
const list = async (userId: string) =>
  (await t.app.inject({ url: `/api/v1/admin/users/${userId}/login-links`, headers: { cookie: adminCookie } })).json().items;

describe('one-time login links', () => {
  it('can be copied once, sign the person in exactly once, and are listed with their status', async () => {
    const locked = await seedUser(t.handle, { password: undefined });
    const issued = await issue(locked.id, false);
    expect(issued.statusCode).toBe(201);
    const { url, id, mail } = issued.json();
    expect(mail).toBe('not_sent');
    expect(url).toMatch(/^http:\/\/localhost:3000\/login-link\?token=[\w-]{43}$/);
    const [row] = await t.handle.db
      .select({ purpose: oneTimeTokens.purpose, tokenHash: oneTimeTokens.tokenHash, userId: oneTimeTokens.userId })
      .from(loginLinks)
      .innerJoin(oneTimeTokens, eq(oneTimeTokens.id, loginLinks.tokenId))
      .where(eq(loginLinks.id, id));
    expect(row).toEqual({ purpose: 'login_link', tokenHash: hashSecret(tokenOf(url)), userId: locked.id });

    const replies = await Promise.all(Array.from({ length: 5 }, () => use(tokenOf(url))));
    expect(replies.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const winner = replies.find((r) => r.statusCode === 200)!;
    expect(winner.json().user.id).toBe(locked.id);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookieFrom(winner) } });
    expect(me.json().user.id).toBe(locked.id);
    expect(replies.filter((r) => r.statusCode === 410).map((r) => r.json().error.code)).toEqual(Array(4).fill('login_link_invalid'));

    expect(await list(locked.id)).toEqual([expect.objectContaining({ id, status: 'used', sentTo: null, createdBy: expect.objectContaining({ name: 'Ada Admin' }) })]);
    const actions = (await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, locked.id))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['login_link.issued', 'login_link.used', 'auth.login.succeeded']));
  });

  it('can be emailed, never showing the link to the administrator', async () => {
    const person = await seedUser(t.handle, { name: 'Lou' });
    const issued = (await issue(person.id, true)).json();
    expect(issued).toMatchObject({ url: null, mail: 'queued' });
    const [mail] = await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, person.email));
    expect(mail!.template).toBe('login_link');
    expect((await use(tokenOf(mail!.secret!))).statusCode).toBe(200);
    expect((await list(person.id))[0]).toMatchObject({ sentTo: person.email, status: 'used' });
  });

  it('expire after 15 minutes by default, or the configured time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const person = await seedUser(t.handle);
    const first = (await issue(person.id, false)).json();
    expect(new Date(first.expiresAt).getTime() - Date.now()).toBe(15 * 60_000);
    vi.setSystemTime(Date.now() + 15 * 60_000 + 1);
    expect((await use(tokenOf(first.url))).statusCode).toBe(410);
    expect((await list(person.id))[0].status).toBe('expired');

    const tooLong = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(adminCookie),
      payload: { invitations: { loginLinkTtlMinutes: 24 * 60 + 1 } },
    });
    expect(tooLong.statusCode).toBe(400);
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { invitations: { loginLinkTtlMinutes: 24 * 60 } } });
    const second = (await issue(person.id, false)).json();
    vi.setSystemTime(Date.now() + 23 * 60 * 60_000);
    expect((await use(tokenOf(second.url))).statusCode).toBe(200);
  });

  it('stop working at once when revoked', async () => {
    const person = await seedUser(t.handle);
    const { id, url } = (await issue(person.id, false)).json();
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/users/${person.id}/login-links/${id}`, headers: asBrowser(adminCookie) });
    expect(revoked.statusCode).toBe(204);
    expect((await use(tokenOf(url))).statusCode).toBe(410);
    expect((await list(person.id))[0].status).toBe('revoked');
  });

  it('keep their record after retention prunes their spent token', async () => {
    const person = await seedUser(t.handle);
    const { id, url } = (await issue(person.id, false)).json();
    expect((await use(tokenOf(url))).statusCode).toBe(200);
    const pruned = await pruneRetained(t.handle.db, t.config.retention, new Date(Date.now() + 8 * 24 * 60 * 60_000));
    expect(pruned.tokens).toBe(1);
    expect(await t.handle.db.select().from(oneTimeTokens).where(eq(oneTimeTokens.userId, person.id))).toEqual([]);
    expect(await list(person.id)).toEqual([expect.objectContaining({ id, status: 'used', usedAt: expect.any(String) })]);
    expect((await use(tokenOf(url))).statusCode).toBe(410);
  });

  it('cannot be issued for an account holding more than the administrator, nor for a disabled one', async () => {
    const managerRole = await seedRole(t.handle, 'Manager', ['users.read', 'users.update']);
    const manager = await seedUser(t.handle, { roleIds: [managerRole.id] });
    const cookie = await signIn(t.app, manager.email);
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const refused = await issue(admin.id, false, cookie);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details.missingPermissions).toContain('settings.manage');

    const member = await seedUser(t.handle, { roles: ['member'] });
    expect((await issue(member.id, false, cookie)).statusCode).toBe(201);
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    expect((await issue(member.id, false, await signIn(t.app, viewer.email))).statusCode).toBe(403);

    const { url } = (await issue(member.id, false)).json();
    await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${member.id}/disable`, headers: asBrowser(adminCookie) });
    expect((await issue(member.id, false)).json().error.code).toBe('account_not_active');
    expect((await use(tokenOf(url))).json().error.code).toBe('account_disabled');
  });
});
