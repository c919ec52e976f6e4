import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { builtinRoleId, groupMembers, userRoles, users } from '../accounts/index.js';
import { mailOutbox } from '../mail/schema.js';
import { createTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp-server.js';
import { createMailWorker } from '../mail/worker.js';
import { systemContext } from '../audit/record.js';
import { createSoftwareAuthenticator } from '../auth/passkeys/testing.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { seedGroup, seedRole } from '../users/testing.js';
import { invitations } from './schema.js';
import { claimInvitationForSso, inviteUser } from './service.js';

let t: TestApp;
let adminCookie: string;
let adminId: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin' });
  adminId = admin.id;
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const invite = (body: Record<string, unknown>, cookie = adminCookie) =>
  t.app.inject({ method: 'POST', url: '/api/v1/admin/invitations', headers: asBrowser(cookie), payload: body });

const accept = (token: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/invitations/${token}/accept`, headers: { origin: TEST_ORIGIN }, payload: body });

/** The link of the newest invitation mail to `to`, as the person would click it. */
async function invitationLink(to: string): Promise<string> {
  const mails = await t.handle.db.select().from(mailOutbox).where(and(eq(mailOutbox.recipient, to), eq(mailOutbox.template, 'invitation')));
  const newest = mails.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return new URL(newest!.secret!).searchParams.get('token')!;
}

const userByEmail = async (email: string) => (await t.handle.db.select().from(users).where(eq(users.email, email)))[0]!;
const post = (url: string, cookie = adminCookie) => t.app.inject({ method: 'POST', url, headers: asBrowser(cookie) });

describe('email invitations', () => {
  it('refuse a link validity out of range with the sentence the console shows', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(adminCookie),
      payload: { invitations: { invitationTtlDays: 91 } },
    });
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { 'invitations.invitationTtlDays': 'Keep invitation links valid for at most 90 days.' } },
    });
  });

  it('create a Pending Setup account with its roles and groups, record the invitation and queue the email', async () => {
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const support = await seedGroup(t.handle, 'Support');
    const created = await invite({ name: 'Ann Lee', email: 'ann.lee@example.com', roleIds: [viewer], groupIds: [support.id] });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ mail: 'queued', mailReason: null, link: expect.stringMatching(/^http:\/\/localhost:3000\/invitation\?token=/) });

    const user = await userByEmail('ann.lee@example.com');
    expect(user).toMatchObject({ username: 'ann.lee', passwordHash: null, emailVerifiedAt: null });
    expect((await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, user.id))).map((r) => r.roleId)).toEqual([viewer]);
    const [record] = await t.handle.db.select().from(invitations).where(eq(invitations.id, body.invitationId));
    expect(record).toMatchObject({ userId: user.id, roleIds: [viewer], groupIds: [support.id], invitedBy: adminId });
    expect(record!.tokenHash).not.toContain(new URL(body.link).searchParams.get('token'));
    expect(await invitationLink('ann.lee@example.com')).toBe(new URL(body.link).searchParams.get('token'));

    const list = (await t.app.inject({ url: '/api/v1/admin/invitations', headers: { cookie: adminCookie } })).json();
    expect(list.items).toEqual([
      expect.objectContaining({ email: 'ann.lee@example.com', roles: [{ id: viewer, name: 'Viewer' }], invitedBy: { id: adminId, name: 'Ada Admin' }, status: 'pending' }),
    ]);
    const detail = (await t.app.inject({ url: `/api/v1/admin/users/${user.id}`, headers: { cookie: adminCookie } })).json();
    expect(detail.user ?? detail).toMatchObject({ authMethod: 'pending_setup' });
  });

  it('let the person set a password through the emailed link, confirming the email and signing them in, once', async () => {
    await invite({ name: 'Bo', email: 'bo@example.com' });
    const token = await invitationLink('bo@example.com');
    const page = await t.app.inject({ url: `/api/v1/invitations/${token}` });
    expect(page.json()).toMatchObject({ name: 'Bo', email: 'bo@example.com', hasPassword: false });

    const refused = await accept(token, { password: 'password' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.fields).toHaveProperty('password');

    const accepted = await accept(token, { password: 'a long and unusual passphrase' });
    expect(accepted.statusCode).toBe(200);
    const me = (await t.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookieFrom(accepted) } })).json().user;
    expect(me).toMatchObject({ email: 'bo@example.com', emailVerified: true });
    expect((await signIn(t.app, 'bo@example.com', 'a long and unusual passphrase')).length).toBeGreaterThan(0);

    const again = await accept(token, { password: 'another long passphrase' });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('invitation_used');
    expect((await t.app.inject({ url: '/api/v1/admin/invitations', headers: { cookie: adminCookie } })).json().items).toEqual([]);
    const actions = (await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, me.id))).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'invitation.created', 'invitation.accepted', 'auth.login.succeeded']));
  });

  it('sign in without a password for a passkey, keep the link open until that passkey is saved, then spend it', async () => {
    await invite({ name: 'Cy', email: 'cy@example.com' });
    const token = await invitationLink('cy@example.com');
    // Stopping before the passkey (a closed tab, a cancelled prompt) leaves the link working.
    expect((await accept(token, { passkey: true })).statusCode).toBe(200);
    const again = await accept(token, { passkey: true });
    expect(again.statusCode).toBe(200);
    const user = await userByEmail('cy@example.com');
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(user.passwordHash).toBeNull();

    const cookie = sessionCookieFrom(again);
    const authenticator = createSoftwareAuthenticator({ origin: TEST_ORIGIN });
    const options = await t.app.inject({ method: 'POST', url: '/api/v1/me/passkeys/options', headers: asBrowser(cookie) });
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/passkeys',
      headers: asBrowser(cookie),
      payload: { response: authenticator.register(options.json().options) },
    });
    expect(registered.statusCode).toBe(201);
    const [row] = await t.handle.db.select().from(invitations).where(eq(invitations.userId, user.id));
    expect(row).toMatchObject({ acceptedVia: 'passkey', acceptedAt: expect.any(Date) });
    const spent = await accept(token, { passkey: true });
    expect(spent.statusCode).toBe(410);
    expect(spent.json().error.code).toBe('invitation_used');
  });

  it('expire after the configured number of days', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { invitations: { invitationTtlDays: 2 } } });
    const { expiresAt } = (await invite({ name: 'Di', email: 'di@example.com' })).json();
    expect(new Date(expiresAt).getTime() - Date.now()).toBe(2 * 86_400_000);
    const token = await invitationLink('di@example.com');
    vi.setSystemTime(Date.now() + 2 * 86_400_000 + 1);
    const late = await accept(token, { passkey: true });
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('invitation_expired');
    const list = (await t.app.inject({ url: '/api/v1/admin/invitations', headers: { cookie: adminCookie } })).json();
    expect(list.items[0].status).toBe('expired');
  });

  it('stop working at once when revoked', async () => {
    const { invitationId } = (await invite({ name: 'Ed', email: 'ed@example.com' })).json();
    const token = await invitationLink('ed@example.com');
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/invitations/${invitationId}`, headers: asBrowser(adminCookie) });
    expect(revoked.statusCode).toBe(204);
    const used = await accept(token, { passkey: true });
    expect(used.statusCode).toBe(410);
    expect(used.json().error.code).toBe('invitation_revoked');
    expect((await userByEmail('ed@example.com')).emailVerifiedAt).toBeNull();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/invitations/${invitationId}`, headers: asBrowser(adminCookie) })).statusCode).toBe(409);
  });

  it('resend with a fresh link that replaces the old one, and only while the email is unconfirmed', async () => {
    const { invitationId, userId } = (await invite({ name: 'Flo', email: 'flo@example.com' })).json();
    const first = await invitationLink('flo@example.com');
    const resent = await post(`/api/v1/admin/invitations/${invitationId}/resend`);
    expect(resent.statusCode).toBe(200);
    const second = await invitationLink('flo@example.com');
    expect(second).not.toBe(first);
    const old = await accept(first, { passkey: true });
    expect(old.statusCode).toBe(404);
    expect(old.json().error.code).toBe('invitation_not_found');

    // "Send invite" on the user's row is the same action.
    expect((await post(`/api/v1/admin/users/${userId}/send-invite`)).statusCode).toBe(200);
    const third = await invitationLink('flo@example.com');
    expect((await accept(second, { passkey: true })).statusCode).toBe(404);
    expect((await accept(third, { passkey: true })).statusCode).toBe(200);

    const afterwards = await post(`/api/v1/admin/users/${userId}/send-invite`);
    expect(afterwards.statusCode).toBe(409);
    expect(afterwards.json().error).toMatchObject({ code: 'email_already_verified', message: expect.stringContaining('Forgot password') });
  });

  it('open an invitation for an account created directly, through "Send invite"', async () => {
    const direct = await seedUser(t.handle, { password: undefined, email: 'direct@example.com' });
    const sent = await post(`/api/v1/admin/users/${direct.id}/send-invite`);
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ userId: direct.id, mail: 'queued' });
    expect((await accept(await invitationLink('direct@example.com'), { password: 'a long and unusual passphrase' })).statusCode).toBe(200);
  });

  it('report mail to a domain outside the allowed list as blocked', async () => {
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { allowedDomains: ['example.com'] } });
    const created = await invite({ name: 'Gus', email: 'gus@elsewhere.org' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ mail: 'blocked', mailReason: expect.stringContaining('elsewhere.org') });
    const [mail] = await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, 'gus@elsewhere.org'));
    expect(mail!.status).toBe('blocked');
  });

  it('need invitations.manage and the permissions of the roles they pre-assign; a set password follows the policy', async () => {
    const inviterRole = await seedRole(t.handle, 'Inviter', ['invitations.manage']);
    const inviter = await seedUser(t.handle, { roleIds: [inviterRole.id] });
    const cookie = await signIn(t.app, inviter.email);
    const admin = await builtinRoleId(t.handle.db, 'admin');
    expect((await invite({ name: 'H', email: 'h@example.com', roleIds: [admin] }, cookie)).statusCode).toBe(403);
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    expect((await invite({ name: 'H', email: 'h@example.com' }, await signIn(t.app, viewer.email))).statusCode).toBe(403);
    const weak = await invite({ name: 'H', email: 'h@example.com', password: '12345678' }, cookie);
    expect(weak.statusCode).toBe(400);
    const taken = await invite({ name: 'H', email: inviter.email.toUpperCase() }, cookie);
    expect(taken.json().error).toMatchObject({ code: 'email_taken', details: { fields: { email: expect.any(String) } } });

    const withPassword = await invite({ name: 'H', email: 'h@example.com', password: 'a long and unusual passphrase', sendEmail: false }, cookie);
    expect(withPassword.json()).toMatchObject({ mail: 'not_sent' });
    expect(await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, 'h@example.com'))).toEqual([]);
    expect((await signIn(t.app, 'h@example.com', 'a long and unusual passphrase')).length).toBeGreaterThan(0);
  });

  it('refuse to send in production while mail goes nowhere', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production' });
    try {
      const admin = await seedUser(prod.handle, { roles: ['admin'] });
      const cookie = await signIn(prod.app, admin.email);
      const refused = await prod.app.inject({
        method: 'POST',
        url: '/api/v1/admin/invitations',
        headers: asBrowser(cookie),
        payload: { name: 'Ida', email: 'ida@example.com' },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('mail_not_configured');
      expect(await prod.handle.db.select().from(users).where(eq(users.email, 'ida@example.com'))).toEqual([]);
    } finally {
      await prod.close();
    }
  });
});

describe('claimInvitationForSso', () => {
  it('accepts the invitation on the first SSO sign-in of the invited address and applies its roles and groups', async () => {
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const team = await seedGroup(t.handle, 'Team');
    const invited = await t.handle.db.transaction((tx) =>
      inviteUser(tx, systemContext(), t, { name: 'Jo', email: 'jo@example.com', roleIds: [viewer], groupIds: [team.id], sendEmail: false, actor: null }),
    );
    // An administrator took the role away before the person ever signed in: SSO restores what the invitation promised.
    await t.handle.db.delete(userRoles).where(eq(userRoles.userId, invited.userId));
    await t.handle.db.delete(groupMembers).where(eq(groupMembers.userId, invited.userId));

    const other = await t.handle.db.transaction((tx) =>
      claimInvitationForSso(tx, systemContext(), { userId: invited.userId, email: 'someone-else@example.com' }, t.config),
    );
    expect(other).toBeNull();
    const claimed = await t.handle.db.transaction((tx) =>
      claimInvitationForSso(tx, systemContext(), { userId: invited.userId, email: 'JO@example.com' }, t.config),
    );
    expect(claimed).toEqual({ invitationId: invited.invitationId, roleIds: [viewer], groupIds: [team.id] });
    expect((await userByEmail('jo@example.com')).emailVerifiedAt).not.toBeNull();
    expect(await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, invited.userId))).toHaveLength(1);
    const [record] = await t.handle.db.select().from(invitations).where(eq(invitations.id, invited.invitationId));
    expect(record).toMatchObject({ acceptedVia: 'sso' });
    expect(await t.handle.db.transaction((tx) => claimInvitationForSso(tx, systemContext(), { userId: invited.userId, email: 'jo@example.com' }, t.config))).toBeNull();
    expect((await accept(new URL(invited.link).searchParams.get('token')!, { passkey: true })).statusCode).toBe(410);
  });
});

describe('invitation email over SMTP', () => {
  let smtp: TestSmtpServer;
  let withSmtp: TestApp;
  beforeEach(async () => {
    smtp = await createTestSmtpServer();
    await smtp.start();
    withSmtp = await createTestApp({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  });
  afterEach(async () => {
    await withSmtp.close();
    await smtp.stop();
  });

  it('arrives at the SMTP server with a link that sets the password', async () => {
    const admin = await seedUser(withSmtp.handle, { roles: ['admin'], name: 'Ada Admin' });
    const cookie = await signIn(withSmtp.app, admin.email);
    const created = await withSmtp.app.inject({
      method: 'POST',
      url: '/api/v1/admin/invitations',
      headers: asBrowser(cookie),
      payload: { name: 'Kai', email: 'kai@example.com' },
    });
    expect(created.statusCode).toBe(201);
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    await createMailWorker({ db: withSmtp.handle.db, config: withSmtp.config, log }).deliverDue();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    // It names who invited and where to, and does not pretend the person asked for it.
    expect(mail.subject).toBe('Ada Admin invited you to join Foyer');
    expect(mail.text).toContain('Ada Admin invited you to join Foyer.');
    expect(mail.text).not.toContain('If you did not ask for this');
    const link = new URL(mail.text!.match(/http:\/\/localhost:3000\/invitation\?token=\S+/)![0]);
    const accepted = await withSmtp.app.inject({
      method: 'POST',
      url: `/api/v1/invitations/${link.searchParams.get('token')}/accept`,
      headers: { origin: TEST_ORIGIN },
      payload: { password: 'a long and unusual passphrase' },
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().user).toMatchObject({ email: 'kai@example.com', emailVerified: true });
  });
});
