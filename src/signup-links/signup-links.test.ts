import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { builtinRoleId, groupMembers, userRoles, users } from '../accounts/index.js';
import { mailOutbox } from '../mail/schema.js';
import { hashSecret } from '../platform/crypto.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { seedGroup, seedRole } from '../users/testing.js';
import { signupLinks } from './schema.js';

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

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function createLink(body: Record<string, unknown> = {}, cookie = adminCookie) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/signup-links',
    headers: asBrowser(cookie),
    payload: { expiresAt: inDays(7), ...body },
  });
}

const redeem = (token: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/signup-links/${token}/redeem`, headers: { origin: TEST_ORIGIN }, payload: body });

const person = (n: string | number) => ({ name: `Person ${n}`, email: `person${n}@example.com`, username: `person${n}` });

const withPassword = (p: ReturnType<typeof person>) => ({ ...p, password: 'a long and unusual passphrase' });

const usersNamed = (email: string) => t.handle.db.select().from(users).where(eq(users.email, email));

describe('sign-up links', () => {
  it('are shown once, stored hashed, listed with creator, uses and status, and checked publicly', async () => {
    const created = await createLink({ maxUses: 3 });
    expect(created.statusCode).toBe(201);
    const link = created.json();
    expect(link.token).toMatch(/^[\w-]{43}$/);
    expect(link.url).toBe(`${TEST_ORIGIN}/join?token=${link.token}`);
    const [row] = await t.handle.db.select().from(signupLinks).where(eq(signupLinks.id, link.id));
    expect(row!.tokenHash).toBe(hashSecret(link.token));
    expect(JSON.stringify(row)).not.toContain(link.token);

    const list = await t.app.inject({ url: '/api/v1/admin/signup-links', headers: { cookie: adminCookie } });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(link.token);
    expect(list.json().items[0]).toMatchObject({ id: link.id, createdBy: { name: 'Ada Admin' }, uses: 0, maxUses: 3, status: 'active' });

    const check = await t.app.inject({ url: `/api/v1/signup-links/${link.token}` });
    expect(check.statusCode).toBe(200);
    expect(check.json().expiresAt).toBe(link.expiresAt);
    const unknown = await t.app.inject({ url: `/api/v1/signup-links/${'x'.repeat(43)}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('signup_link_not_found');
  });

  it('refuse a bad limit or name with the sentence the console shows', async () => {
    const res = await createLink({ name: 'n'.repeat(101), maxUses: 0 });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: {
        fields: { name: 'Keep the name to 100 characters.', maxUses: 'Allow at least 1 use, or leave it empty for unlimited.' },
      },
    });
  });

  it('create an account with the link’s roles and groups, sign it in, and leave its email unconfirmed', async () => {
    const support = await seedGroup(t.handle, 'Support');
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const { token, id } = (await createLink({ maxUses: 1, roleIds: [viewer], groupIds: [support.id] })).json();

    const joined = await redeem(token, { ...person('ann'), password: 'a long and unusual passphrase' });
    expect(joined.statusCode).toBe(201);
    const cookie = sessionCookieFrom(joined);
    const me = (await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().user;
    expect(me).toMatchObject({ email: 'personann@example.com', emailVerified: false, roles: [{ id: viewer }] });

    const [user] = await usersNamed('personann@example.com');
    expect(await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, user!.id))).toHaveLength(1);
    const [mail] = await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, 'personann@example.com'));
    expect(mail).toMatchObject({ template: 'email_verification_code', status: 'queued' });

    const [row] = await t.handle.db.select().from(signupLinks).where(eq(signupLinks.id, id));
    expect(row!.uses).toBe(1);
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
    expect(events.map((e) => e.action)).toEqual(['signup_link.created', 'signup_link.started', 'signup_link.redeemed']);
    expect(events[2]).toMatchObject({ actorType: 'user', actorId: user!.id });
  });

  it('stop working at expiry, when used up and at once when revoked, creating nothing', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const expiring = (await createLink({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() })).json();
    const once = (await createLink({ maxUses: 1 })).json();
    const revoked = (await createLink()).json();

    expect((await redeem(once.token, withPassword(person('first')))).statusCode).toBe(201);
    const usedUp = await redeem(once.token, person('second'));
    expect(usedUp.json().error.code).toBe('signup_link_used_up');
    expect((await t.app.inject({ url: `/api/v1/signup-links/${once.token}` })).json().error.code).toBe('signup_link_used_up');

    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/signup-links/${revoked.id}`, headers: asBrowser(adminCookie) });
    expect(revoke.statusCode).toBe(204);
    const afterRevoke = await redeem(revoked.token, person('third'));
    expect(afterRevoke.statusCode).toBe(410);
    expect(afterRevoke.json().error.code).toBe('signup_link_revoked');

    vi.setSystemTime(Date.now() + 3_600_001);
    const late = await redeem(expiring.token, person('fourth'));
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('signup_link_expired');

    for (const n of ['second', 'third', 'fourth']) expect(await usersNamed(`person${n}@example.com`)).toHaveLength(0);
    const list = (await t.app.inject({ url: '/api/v1/admin/signup-links', headers: { cookie: adminCookie } })).json().items;
    const statuses = Object.fromEntries(list.map((l: { id: string; status: string }) => [l.id, l.status]));
    expect(statuses).toEqual({ [expiring.id]: 'expired', [once.id]: 'used_up', [revoked.id]: 'revoked' });
  });

  it('answer taken emails and usernames with field errors, and give the use back', async () => {
    const existing = await seedUser(t.handle);
    const { token, id } = (await createLink({ maxUses: 1 })).json();
    const email = await redeem(token, { ...person('x'), email: existing.email.toUpperCase() });
    expect(email.statusCode).toBe(409);
    expect(email.json().error).toMatchObject({ code: 'email_taken', details: { fields: { email: expect.any(String) } } });
    const username = await redeem(token, { ...person('y'), username: existing.username });
    expect(username.json().error).toMatchObject({ code: 'username_taken', details: { fields: { username: expect.any(String) } } });
    const invalid = await redeem(token, { ...person('z'), username: 'no spaces', password: 'password' });
    expect(invalid.statusCode).toBe(400);
    expect(Object.keys(invalid.json().error.details.fields)).toEqual(['username']);
    const common = await redeem(token, { ...person('z'), password: 'password' });
    expect(common.json().error.details.fields).toHaveProperty('password');

    const [row] = await t.handle.db.select().from(signupLinks).where(eq(signupLinks.id, id));
    expect(row!.uses).toBe(0);
    expect((await redeem(token, person('z'))).statusCode).toBe(201);
  });

  it('refuse emails outside the allowed domains before counting a use', async () => {
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { allowedDomains: ['corp.example'] } });
    const { token, id } = (await createLink({ maxUses: 1 })).json();
    const refused = await redeem(token, person('outsider'));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({ code: 'email_domain_not_allowed', details: { fields: { email: expect.any(String) } } });
    const [row] = await t.handle.db.select().from(signupLinks).where(eq(signupLinks.id, id));
    expect(row!.uses).toBe(0);
    expect((await redeem(token, { ...person('insider'), email: 'insider@corp.example' })).statusCode).toBe(201);
  });

  it('need invitations.manage, and the permissions of the roles and groups they hand out', async () => {
    const inviterRole = await seedRole(t.handle, 'Inviter', ['invitations.manage']);
    const inviter = await seedUser(t.handle, { roleIds: [inviterRole.id] });
    const cookie = await signIn(t.app, inviter.email);
    const viewerOnly = await seedUser(t.handle, { roles: ['viewer'] });
    expect((await createLink({}, await signIn(t.app, viewerOnly.email))).statusCode).toBe(403);

    const admin = await builtinRoleId(t.handle.db, 'admin');
    const escalating = await createLink({ roleIds: [admin] }, cookie);
    expect(escalating.statusCode).toBe(403);
    expect(escalating.json().error.details.missingPermissions).toContain('users.delete');
    const adminsGroup = await seedGroup(t.handle, 'Admins', [admin]);
    expect((await createLink({ groupIds: [adminsGroup.id] }, cookie)).statusCode).toBe(403);
    expect((await createLink({}, cookie)).statusCode).toBe(201);
    expect((await createLink({ expiresAt: new Date(Date.now() - 1000).toISOString() }, cookie)).json().error.details.fields).toHaveProperty('expiresAt');
  });

  it('apply the roles a link gives even after its creator lost them, but skip roles deleted since', async () => {
    const temporary = await seedRole(t.handle, 'Temporary', []);
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const { token } = (await createLink({ roleIds: [viewer, temporary.id] })).json();
    await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/roles/${temporary.id}`, headers: asBrowser(adminCookie) });
    expect((await redeem(token, withPassword(person('late')))).statusCode).toBe(201);
    const [user] = await usersNamed('personlate@example.com');
    const held = await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, user!.id));
    expect(held.map((r) => r.roleId)).toEqual([viewer]);
  });

  it('can be emailed to typed addresses with one result each, blocked domains reported', async () => {
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { allowedDomains: ['example.com'] } });
    const { token, id } = (await createLink()).json();
    const send = (body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/admin/signup-links/${id}/send`, headers: asBrowser(adminCookie), payload: body });
    const sent = await send({ token, emails: ['a@example.com', 'b@elsewhere.org', 'A@example.com'] });
    expect(sent.statusCode).toBe(200);
    expect(sent.json().results).toEqual([
      { email: 'A@example.com', outcome: 'queued', reason: null },
      { email: 'b@elsewhere.org', outcome: 'blocked', reason: expect.stringContaining('elsewhere.org') },
    ]);
    const [mail] = await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, 'A@example.com'));
    expect(mail!.textBody).toContain(`${TEST_ORIGIN}/join?token=${token}`);
    expect(mail!.textBody).toContain('Ada Admin invited you');

    const wrong = await send({ token: 'y'.repeat(43), emails: ['a@example.com'] });
    expect(wrong.statusCode).toBe(400);
    await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/signup-links/${id}`, headers: asBrowser(adminCookie) });
    expect((await send({ token, emails: ['a@example.com'] })).json().error.code).toBe('signup_link_revoked');
  });

  it('never write their token to the log, whether in the page address or the API path', async () => {
    const lines: string[] = [];
    const logged = await createTestApp({ FOYER_LOG_LEVEL: 'info' }, {}, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    try {
      const admin = await seedUser(logged.handle, { roles: ['admin'] });
      const cookie = await signIn(logged.app, admin.email);
      const { token, url } = (
        await logged.app.inject({ method: 'POST', url: '/api/v1/admin/signup-links', headers: asBrowser(cookie), payload: { expiresAt: inDays(1) } })
      ).json();
      await logged.app.inject({ url: new URL(url).pathname + new URL(url).search });
      await logged.app.inject({ url: `/api/v1/signup-links/${token}` });
      await logged.app.inject({ method: 'POST', url: `/api/v1/signup-links/${token}/redeem`, headers: { origin: TEST_ORIGIN }, payload: person('logged') });
      expect(lines.join('\n')).toContain('signup-links/[redacted]');
      expect(lines.join('\n')).not.toContain(token);
    } finally {
      await logged.close();
    }
  });

  it('cannot be created in production while mail goes nowhere', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production' });
    try {
      const admin = await seedUser(prod.handle, { roles: ['admin'] });
      const cookie = await signIn(prod.app, admin.email);
      const refused = await prod.app.inject({
        method: 'POST',
        url: '/api/v1/admin/signup-links',
        headers: asBrowser(cookie),
        payload: { expiresAt: inDays(1) },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('mail_not_configured');
    } finally {
      await prod.close();
    }
  });
});
