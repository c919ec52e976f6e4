import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../accounts/index.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { seedRole } from '../users/testing.js';
import { HIDDEN_MARK } from './outbox.js';
import { mailOutbox } from './schema.js';

// The outbox holds other people's invitation and reset mails with working links: reading it once let an External user
// with a role holding settings.manage take over an invited account (issue 16, item 1).
let t: TestApp;
afterEach(() => t.close());

/** An administrator invites a person; the invitation mail is captured in the dev mailbox with its live link. */
async function invitePerson() {
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  const adminCookie = await signIn(t.app, admin.email);
  const invited = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/invitations',
    headers: asBrowser(adminCookie),
    payload: { name: 'Grace Hopper', email: 'grace@example.com', username: 'grace' },
  });
  expect(invited.statusCode).toBe(201);
  const token = new URL(invited.json().link, 'http://x').searchParams.get('token')!;
  expect(token).toBeTruthy();
  await t.handle.db.update(mailOutbox).set({ status: 'captured' }).where(eq(mailOutbox.recipient, 'grace@example.com'));
  const [mail] = await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.recipient, 'grace@example.com'));
  return { adminCookie, token, mailId: mail!.id };
}

const outboxUrls = (id: string) => ['/api/v1/admin/mail/outbox', `/api/v1/admin/mail/outbox/${id}`];

describe('the mail outbox in development mode', () => {
  beforeEach(async () => {
    t = await createTestApp();
  });

  it('refuses an External user whatever their roles hold, by cookie and by API token, and shows them no one', async () => {
    const { token, mailId } = await invitePerson();
    const everything = await seedRole(t.handle, 'Everything', [...ALL_PERMISSIONS]);
    const external = await seedUser(t.handle, { profile: 'external', roleIds: [everything.id] });
    const cookie = await signIn(t.app, external.email);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(cookie), payload: { name: 'x' } });
    for (const headers of [{ cookie }, { authorization: `Bearer ${created.json().token}` }]) {
      for (const url of outboxUrls(mailId)) {
        const res = await t.app.inject({ url, headers });
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
        expect(res.body).not.toContain(token);
        expect(res.body).not.toContain('grace@example.com');
      }
      const retry = await t.app.inject({ method: 'POST', url: `/api/v1/admin/mail/outbox/${mailId}/retry`, headers: { ...headers, origin: asBrowser('').origin } });
      expect(retry.statusCode).toBe(403);
    }
  });

  it('refuses an External user who would point mail, text messages or sign-in at a server of their own', async () => {
    const everything = await seedRole(t.handle, 'Everything', [...ALL_PERMISSIONS]);
    const external = await seedUser(t.handle, { profile: 'external', roleIds: [everything.id] });
    const cookie = await signIn(t.app, external.email);
    for (const payload of [{ mail: { host: 'attacker.example' } }, { mfa: { smsWebhookUrl: 'https://attacker.example/sms' } }]) {
      const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(cookie), payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(403);
    }
    const provider = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sso-providers',
      headers: asBrowser(cookie),
      payload: { name: 'Mine', issuer: 'https://idp.attacker.example', clientId: 'x', clientSecret: 'y' },
    });
    expect(provider.statusCode).toBe(403);
    const allowed = await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(cookie), payload: { allowedDomains: ['example.com'] } });
    expect(allowed.statusCode).toBe(200);
  });

  it('needs mail.read: managing settings alone no longer opens it', async () => {
    const { mailId } = await invitePerson();
    const settingsOnly = await seedRole(t.handle, 'Settings', ['settings.manage']);
    const manager = await seedUser(t.handle, { roleIds: [settingsOnly.id] });
    const cookie = await signIn(t.app, manager.email);
    for (const url of outboxUrls(mailId)) expect((await t.app.inject({ url, headers: { cookie } })).statusCode, url).toBe(403);

    const mailReaders = await seedRole(t.handle, 'Mail readers', ['mail.read']);
    const reader = await seedUser(t.handle, { roleIds: [mailReaders.id] });
    const readerCookie = await signIn(t.app, reader.email);
    for (const url of outboxUrls(mailId)) expect((await t.app.inject({ url, headers: { cookie: readerCookie } })).statusCode, url).toBe(200);
  });

  it('shows the live link of a captured message to a mail reader, and of no message still waiting to be delivered', async () => {
    const { adminCookie, token, mailId } = await invitePerson();
    const captured = await t.app.inject({ url: `/api/v1/admin/mail/outbox/${mailId}`, headers: { cookie: adminCookie } });
    expect(captured.json().text).toContain(token);

    for (const status of ['queued', 'failed'] as const) {
      await t.handle.db.update(mailOutbox).set({ status }).where(eq(mailOutbox.id, mailId));
      const res = await t.app.inject({ url: `/api/v1/admin/mail/outbox/${mailId}`, headers: { cookie: adminCookie } });
      expect(res.statusCode).toBe(200);
      expect(res.body, status).not.toContain(token);
      expect(res.json().text).toContain(HIDDEN_MARK);
    }
    // Hidden from the reader, not from the recipient: the stored message still carries the link it must deliver.
    const [row] = await t.handle.db.select().from(mailOutbox).where(eq(mailOutbox.id, mailId));
    expect(row!.textBody).toContain(token);
  });
});

describe('the mail outbox in production', () => {
  beforeEach(async () => {
    t = await createTestApp({ NODE_ENV: 'production', FOYER_SMTP_URL: 'smtp://127.0.0.1:1' });
  });

  it('never shows a live link, not even of a captured message to an administrator', async () => {
    const { adminCookie, token, mailId } = await invitePerson();
    const res = await t.app.inject({ url: `/api/v1/admin/mail/outbox/${mailId}`, headers: { cookie: adminCookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(token);
    expect(res.json().links.join(' ')).not.toContain('token=');
    expect(res.json().text).toContain(HIDDEN_MARK);
  });
});
