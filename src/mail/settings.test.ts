import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, testConfig, type TestApp } from '../../test/support.js';
import { instanceSettings } from '../settings/schema.js';
import { enqueueMail } from './outbox.js';
import { mailOutbox } from './schema.js';
import { createTestSmtpServer, type TestSmtpServer } from './test-smtp-server.js';
import { createMailWorker } from './worker.js';

const SECRET_KEY = randomBytes(32).toString('base64');

let t: TestApp | undefined;
let smtp: TestSmtpServer;
beforeEach(async () => {
  smtp = await createTestSmtpServer({ credentials: { user: 'foyer', pass: 'smtp pass word' } });
  await smtp.start();
});
afterEach(async () => {
  await smtp.stop();
  await t?.close();
  t = undefined;
});

async function adminSession(env: Record<string, string> = {}) {
  t = await createTestApp({ FOYER_SECRET_KEY: SECRET_KEY, ...env });
  const admin = await seedUser(t.handle, { name: 'Ada Admin', roles: ['admin'] });
  const cookie = await signIn(t.app, admin.email);
  const app = t.app;
  return {
    t,
    admin,
    patchMail: (mail: Record<string, unknown>) =>
      app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(cookie), payload: { mail } }),
    getSettings: () => app.inject({ url: '/api/v1/admin/settings', headers: { cookie } }),
    sendTest: (to: string) =>
      app.inject({ method: 'POST', url: '/api/v1/admin/settings/mail/test', headers: asBrowser(cookie), payload: { to } }),
  };
}

const useTestServer = (port: number, password = 'smtp pass word') => ({
  host: '127.0.0.1',
  port,
  tlsMode: 'none',
  username: 'foyer',
  password,
  fromAddress: 'Acme People <people@example.com>',
  instanceName: 'Acme People',
});

describe('mail settings and the test email', () => {
  it('refuse a bad host or test address with the sentence the console shows', async () => {
    const { patchMail, sendTest } = await adminSession();
    const host = await patchMail({ host: 'not a host' });
    expect(host.statusCode).toBe(400);
    expect(host.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { 'mail.host': 'Enter a host name or IP address, such as smtp.example.com.' } },
    });
    const test = await sendTest('grace.tester');
    expect(test.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { to: 'Enter an email address to send the test to.' } } });
  });

  it('store the SMTP password encrypted, never show it, and use it to sign in to the SMTP server', async () => {
    const s = await adminSession();
    const saved = await s.patchMail(useTestServer(smtp.port));
    expect(saved.statusCode).toBe(200);
    expect(saved.json().mail).toMatchObject({ host: '127.0.0.1', username: 'foyer', passwordSet: true, delivery: 'smtp' });
    expect(saved.body).not.toContain('smtp pass word');
    expect((await s.getSettings()).body).not.toContain('smtp pass word');
    const [row] = await s.t.handle.db.select().from(instanceSettings).where(eq(instanceSettings.key, 'mail'));
    expect(JSON.stringify(row!.value)).not.toContain('smtp pass word');
    const [event] = await s.t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'settings.updated'));
    expect(event!.details).toMatchObject({ passwordSealed: { changed: true }, host: { from: null, to: '127.0.0.1' } });
    expect(JSON.stringify(event!.details)).not.toContain('smtp pass word');

    const sent = await s.sendTest('ann@example.com');
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ ok: true, status: 'sent' });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toMatchObject({ subject: 'Test email from Acme People', from: { value: [{ address: 'people@example.com', name: 'Acme People' }] } });
    expect(smtp.received[0]!.text).toContain('Ada Admin sent this test from Settings → Email.');
    const [test] = await s.t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'mail.test_sent'));
    expect(test).toMatchObject({ actorId: s.admin.id, targetId: sent.json().id, details: { to: 'ann@example.com', delivery: 'smtp' } });

    // Leaving the password out keeps it; null removes it.
    expect((await s.patchMail({ port: smtp.port })).json().mail.passwordSet).toBe(true);
    expect((await s.sendTest('ann@example.com')).statusCode).toBe(200);
    expect((await s.patchMail({ password: null })).json().mail.passwordSet).toBe(false);
  });

  it('report the SMTP error in words and keep the test message as failed, not retried', async () => {
    const s = await adminSession();
    await s.patchMail(useTestServer(smtp.port, 'wrong password'));
    const refused = await s.sendTest('ann@example.com');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'smtp_failed',
      message: expect.stringMatching(/^The test email could not be sent\. The SMTP server 127\.0\.0\.1:\d+ did not accept the username and password\. The server said: 535/),
    });

    await smtp.stop();
    await s.patchMail(useTestServer(smtp.port));
    const down = await s.sendTest('ann@example.com');
    expect(down.json().error.message).toBe(
      `The test email could not be sent. Nothing accepts connections at 127.0.0.1:${smtp.port}. Is the SMTP server running, and are the host and port right?`,
    );
    const rows = await s.t.handle.db.select().from(mailOutbox);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  it('capture the test email in the dev mailbox when no SMTP is configured', async () => {
    const s = await adminSession();
    const res = await s.sendTest('ann@example.com');
    expect(res.json()).toMatchObject({ ok: true, status: 'captured' });
    const [row] = await s.t.handle.db.select().from(mailOutbox);
    expect(row).toMatchObject({ status: 'captured', recipient: 'ann@example.com', template: 'test' });
    expect(smtp.received).toHaveLength(0);
  });

  it('refuse a test email to a domain outside the allowed list without reaching SMTP', async () => {
    const s = await adminSession();
    await s.patchMail(useTestServer(smtp.port));
    await s.t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(await signIn(s.t.app, s.admin.email)),
      payload: { allowedDomains: ['example.com'] },
    });
    const res = await s.sendTest('eve@elsewhere.test');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'email_domain_not_allowed', details: { fields: { to: 'is not on an allowed domain' } } });
    expect(smtp.received).toHaveLength(0);
    const [row] = await s.t.handle.db.select().from(mailOutbox);
    expect(row!.status).toBe('blocked');
  });

  it('let FOYER_SMTP_URL and FOYER_MAIL_FROM take precedence over the console', async () => {
    const s = await adminSession({
      FOYER_SMTP_URL: `smtp://foyer:${encodeURIComponent('smtp pass word')}@127.0.0.1:${smtp.port}`,
      FOYER_MAIL_FROM: 'Ops <ops@example.com>',
    });
    await s.patchMail({ host: 'unreachable.invalid', fromAddress: 'console@example.com' });
    const settings = (await s.getSettings()).json();
    expect(settings.mail).toMatchObject({ delivery: 'smtp', environment: { smtpUrl: true, mailFrom: true } });
    expect((await s.sendTest('ann@example.com')).json()).toMatchObject({ ok: true, status: 'sent' });
    expect(smtp.received[0]!.from).toMatchObject({ value: [{ address: 'ops@example.com' }] });
  });

  it('refuse to store the password when several instances could share the database but no key is set', async () => {
    t = await createTestApp({ DATABASE_URL: 'postgres://db.internal/foyer' });
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(cookie),
      payload: { mail: { host: 'mail.example.com', password: 'secret' } },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'secret_key_missing', message: expect.stringContaining('FOYER_SECRET_KEY') });
    // Nothing of the change was kept.
    const after = await t.app.inject({ url: '/api/v1/admin/settings', headers: { cookie } });
    expect(after.json().mail).toMatchObject({ host: null, passwordSet: false });
  });

  it('hold mail back, without using up attempts, while the stored password cannot be decrypted', async () => {
    const s = await adminSession();
    await s.patchMail(useTestServer(smtp.port));
    await enqueueMail(s.t.handle.db, s.t.config, { to: 'ann@example.com', template: 'test', data: { requestedBy: 'Ada' } });
    const otherKey = testConfig({ FOYER_SECRET_KEY: randomBytes(32).toString('base64') });
    const worker = createMailWorker({ db: s.t.handle.db, config: otherKey, log: { info() {}, warn() {}, error() {} } });
    await expect(worker.deliverDue()).rejects.toMatchObject({ code: 'secret_unreadable' });
    const [row] = await s.t.handle.db.select().from(mailOutbox);
    expect(row).toMatchObject({ status: 'queued', attempts: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it('on the embedded database, keep a generated key in the data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'foyer-mail-'));
    t = await createTestApp({ FOYER_DATA_DIR: dataDir });
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(cookie),
      payload: { mail: useTestServer(smtp.port) },
    });
    expect(res.statusCode).toBe(200);
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(true);
    const sent = await t.app.inject({ method: 'POST', url: '/api/v1/admin/settings/mail/test', headers: asBrowser(cookie), payload: { to: 'ann@example.com' } });
    expect(sent.json()).toMatchObject({ ok: true, status: 'sent' });
  });
});
