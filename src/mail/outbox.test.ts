import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { issueSetPasswordLink } from '../auth/passwords/set-password.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, testConfig, type TestApp } from '../../test/support.js';
import { claimDueMail, deliverClaimed, MAX_ATTEMPTS, retryDelayMs } from './delivery.js';
import { enqueueMail } from './outbox.js';
import { mailOutbox } from './schema.js';
import { assertMailConfigured, resolveMailDelivery } from './settings.js';
import { createTestSmtpServer, type TestSmtpServer } from './test-smtp-server.js';
import { createMailWorker, wakeMailWorkers, type MailWorkerOptions } from './worker.js';

let t: TestApp;
let smtp: TestSmtpServer;
let logs: string[];

const recordingLog = () => {
  const line = (level: string) => (details: object, message: string) => logs.push(`${level} ${message} ${JSON.stringify(details)}`);
  return { info: line('info'), warn: line('warn'), error: line('error') };
};

const worker = (options: Partial<MailWorkerOptions> = {}) =>
  createMailWorker({ db: t.handle.db, config: t.config, log: recordingLog(), ...options });

const outbox = () => t.handle.db.select().from(mailOutbox).orderBy(mailOutbox.createdAt);
const invitation = (to: string) => ({
  to,
  template: 'invitation' as const,
  data: { name: 'Ann', link: '/set-password?token=not-a-real-token', expiresAt: new Date(Date.now() + 86_400_000), invitedBy: 'Ada Admin' },
});
const seconds = (n: number) => n * 1000;
const later = (ms: number) => () => new Date(Date.now() + ms);

beforeEach(async () => {
  logs = [];
  smtp = await createTestSmtpServer({ rejectRecipient: (address) => address.startsWith('nobody@') });
  t = await createTestApp({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
});
afterEach(async () => {
  await smtp.stop();
  await t.close();
});

describe('mail delivery over SMTP', () => {
  it('delivers the message to the right recipient with its subject and a working link, then forgets the link', async () => {
    await smtp.start();
    const ann = await seedUser(t.handle, { name: 'Ann Example', password: undefined });
    await t.handle.db.transaction(async (tx) => {
      const link = await issueSetPasswordLink(tx, t.config, ann.id, new Date());
      const enqueued = await enqueueMail(tx, t.config, {
        to: ann.email,
        template: 'invitation',
        data: { name: ann.name, link, expiresAt: new Date(Date.now() + 86_400_000), invitedBy: null },
      });
      expect(enqueued.status).toBe('queued');
    });

    expect(await worker().deliverDue()).toEqual({ sent: 1, captured: 0, retrying: 0, failed: 0 });

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toMatchObject({ value: [{ address: ann.email }] });
    expect(mail.subject).toBe('Your Foyer account is ready');
    expect(mail.html).toContain('Set up your account');
    const link = new URL(mail.text!.match(/http:\/\/localhost:3000\/set-password\?token=\S+/)![0]);
    expect(link.origin).toBe(TEST_ORIGIN);
    const used = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password/reset',
      headers: { origin: TEST_ORIGIN },
      payload: { token: link.searchParams.get('token'), password: 'a brand new password' },
    });
    expect(used.statusCode).toBe(200);
    expect(used.json().user.email).toBe(ann.email);

    // The outbox is admin-visible; the delivered copy no longer carries the person's link.
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, secret: null, lockedUntil: null });
    expect(row!.sentAt).toBeInstanceOf(Date);
    expect(row!.textBody).toContain('[removed after delivery]');
    expect(row!.textBody).not.toContain(link.searchParams.get('token')!);
    expect(row!.htmlBody).not.toContain(link.searchParams.get('token')!);
    expect(logs.join('\n')).not.toContain(link.searchParams.get('token')!);
  });

  it('keeps a message queued while SMTP is down and delivers it exactly once when it is back, across a restart', async () => {
    await enqueueMail(t.handle.db, t.config, invitation('ann@example.com'));

    expect(await worker().deliverDue()).toMatchObject({ sent: 0, retrying: 1 });
    const [waiting] = await outbox();
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, lockedUntil: null });
    expect(waiting!.lastError).toBe(
      `Nothing accepts connections at 127.0.0.1:${smtp.port}. Is the SMTP server running, and are the host and port right?`,
    );
    expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + seconds(25));

    await smtp.start();
    // Not due yet: the backoff holds even though the server is back.
    expect(await worker().deliverDue()).toMatchObject({ sent: 0 });
    expect(smtp.received).toHaveLength(0);

    // A new worker (as after a process restart) finds the message in the database once it is due.
    const restarted = worker({ now: later(seconds(31)) });
    expect(await restarted.deliverDue()).toMatchObject({ sent: 1 });
    expect(await restarted.deliverDue()).toMatchObject({ sent: 0 });
    expect(await worker({ now: later(seconds(3600)) }).deliverDue()).toMatchObject({ sent: 0 });
    expect(smtp.received.map((m) => m.subject)).toEqual(['Ada Admin invited you to join Foyer']);
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('never sends a message twice when two workers share the database', async () => {
    await smtp.start();
    const recipients = Array.from({ length: 30 }, (_, i) => `person${i}@example.com`);
    for (const to of recipients) await enqueueMail(t.handle.db, t.config, invitation(to));

    const rounds = await Promise.all([worker({ batchSize: 4 }).deliverDue(), worker({ batchSize: 4 }).deliverDue()]);

    expect(rounds[0]!.sent + rounds[1]!.sent).toBe(30);
    const delivered = smtp.received.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address);
    expect(delivered.sort()).toEqual([...recipients].sort());
    expect((await outbox()).every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
  });

  it('takes over a message whose worker died mid-send once the lease lapses, and ignores the dead worker’s late result', async () => {
    await smtp.start();
    await enqueueMail(t.handle.db, t.config, invitation('ann@example.com'));
    const [claimedByDeadWorker] = await claimDueMail(t.handle.db, new Date(), 10);
    expect(await worker().deliverDue()).toMatchObject({ sent: 0 });

    expect(await worker({ now: later(seconds(301)) }).deliverDue()).toMatchObject({ sent: 1 });
    const delivery = await resolveMailDelivery(t.handle.db, t.config);
    expect(await deliverClaimed(t.handle.db, claimedByDeadWorker!, delivery, null, () => new Date())).toEqual({ status: 'lost' });
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('leaves no mail behind when the transaction that enqueued it rolls back', async () => {
    await smtp.start();
    await expect(
      t.handle.db.transaction(async (tx) => {
        await enqueueMail(tx, t.config, invitation('ann@example.com'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outbox()).toEqual([]);
    expect(await worker().deliverDue()).toMatchObject({ sent: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it('blocks mail to a domain outside the allowed list before it can reach SMTP', async () => {
    await smtp.start();
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(cookie),
      payload: { allowedDomains: ['Example.com'] },
    });
    expect(patched.json().allowedDomains).toEqual(['example.com']);

    const blocked = await enqueueMail(t.handle.db, t.config, invitation('eve@elsewhere.test'));
    expect(blocked).toMatchObject({
      status: 'blocked',
      reason: 'Not sent: elsewhere.test is not on the list of allowed email domains (Settings → Email).',
    });
    expect((await enqueueMail(t.handle.db, t.config, invitation('Ann@EXAMPLE.com'))).status).toBe('queued');

    expect(await worker({ now: later(seconds(3600)) }).deliverDue()).toMatchObject({ sent: 1 });
    expect(smtp.received.map((m) => m.text)).toHaveLength(1);
    expect(smtp.received[0]!.text).not.toContain('eve');
    const row = (await outbox()).find((r) => r.id === blocked.id)!;
    expect(row).toMatchObject({ status: 'blocked', attempts: 0, secret: null, lastError: blocked.reason });
    expect(row.textBody).not.toContain('not-a-real-token');
  });

  it('marks a permanent rejection failed with the reason, and an admin can retry it', async () => {
    await smtp.start();
    const { id } = await enqueueMail(t.handle.db, t.config, invitation('nobody@example.com'));
    expect(await worker().deliverDue()).toMatchObject({ failed: 1 });
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row!.lastError).toMatch(new RegExp(`^The SMTP server 127\\.0\\.0\\.1:${smtp.port} rejected the message\\. The server said: 550 .*No such mailbox`));
    // A failed message keeps its link: retrying must send the same message.
    expect(row!.secret).not.toBeNull();

    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const retried = await t.app.inject({ method: 'POST', url: `/api/v1/admin/mail/outbox/${id}/retry`, headers: asBrowser(cookie) });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ id, status: 'queued', attempts: 0, lastError: null });
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'mail.retried'));
    expect(event).toMatchObject({ actorId: admin.id, targetId: id, details: { to: 'nobody@example.com', template: 'invitation' } });

    const again = await t.app.inject({ method: 'POST', url: `/api/v1/admin/mail/outbox/${id}/retry`, headers: asBrowser(cookie) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('mail_not_failed');
    const missing = await t.app.inject({ method: 'POST', url: `/api/v1/admin/mail/outbox/${crypto.randomUUID()}/retry`, headers: asBrowser(cookie) });
    expect(missing.statusCode).toBe(404);
  });

  it('backs off exponentially up to an hour and gives up after the last attempt', async () => {
    expect([1, 2, 3, 7, 8].map(retryDelayMs)).toEqual([seconds(30), seconds(60), seconds(120), seconds(1920), seconds(3600)]);
    await enqueueMail(t.handle.db, t.config, invitation('ann@example.com'));
    let clock = Date.now();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const round = await worker({ now: () => new Date(clock) }).deliverDue();
      expect(round).toMatchObject(attempt < MAX_ATTEMPTS ? { retrying: 1 } : { failed: 1 });
      const [row] = await outbox();
      if (attempt < MAX_ATTEMPTS) expect(row!.nextAttemptAt.getTime()).toBe(clock + retryDelayMs(attempt));
      clock += retryDelayMs(attempt);
    }
    const [row] = await outbox();
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(row!.lastError).toMatch(/^Gave up after 8 attempts\. Nothing accepts connections/);
  });

  it('goes out at once when woken after the enqueueing transaction commits', async () => {
    await smtp.start();
    const running = worker({ pollIntervalMs: 3_600_000 });
    running.start();
    try {
      await enqueueMail(t.handle.db, t.config, invitation('ann@example.com'));
      wakeMailWorkers();
      await vi.waitFor(() => expect(smtp.received).toHaveLength(1), { timeout: 10_000 });
      // The worker now sleeps for an hour; only the wake-up can explain a prompt second delivery.
      await enqueueMail(t.handle.db, t.config, invitation('bob@example.com'));
      wakeMailWorkers();
      await vi.waitFor(() => expect(smtp.received).toHaveLength(2), { timeout: 10_000 });
    } finally {
      await running.stop();
    }
  });
});

describe('waking the mail worker', () => {
  it('a wake-up that comes as a round ends is not lost until the next poll', async () => {
    await smtp.start();
    let woken = false;
    const running = worker({
      pollIntervalMs: 3_600_000,
      // Bob's mail is enqueued and the workers woken while Ann's round is finishing: the moment a timer set by the
      // wake-up used to be replaced by the hour-long one the round sets as it ends.
      instrument: async (_row, deliver) => {
        const outcome = await deliver();
        if (!woken) {
          woken = true;
          await enqueueMail(t.handle.db, t.config, invitation('bob@example.com'));
          wakeMailWorkers();
        }
        return outcome;
      },
    });
    await enqueueMail(t.handle.db, t.config, invitation('ann@example.com'));
    running.start();
    try {
      await vi.waitFor(() => expect(smtp.received).toHaveLength(2), { timeout: 10_000 });
    } finally {
      await running.stop();
    }
  });
});

describe('the dev mailbox', () => {
  let dev: TestApp;
  beforeEach(async () => {
    dev = await createTestApp();
  });
  afterEach(() => dev.close());

  it('captures mail when no SMTP is configured, logs it without its link, and shows it with its link', async () => {
    const { id } = await enqueueMail(dev.handle.db, dev.config, invitation('ann@example.com'));
    const round = await createMailWorker({ db: dev.handle.db, config: dev.config, log: recordingLog() }).deliverDue();
    expect(round).toEqual({ sent: 0, captured: 1, retrying: 0, failed: 0 });
    expect(logs.join('\n')).toMatch(/mail captured in the dev mailbox.*ann@example\.com/);
    expect(logs.join('\n')).not.toContain('not-a-real-token');

    const admin = await seedUser(dev.handle, { roles: ['admin'] });
    const cookie = await signIn(dev.app, admin.email);
    const status = await dev.app.inject({ url: '/api/v1/admin/mail/status', headers: { cookie } });
    expect(status.json()).toEqual({ mailDelivery: 'captured', source: null });
    const list = await dev.app.inject({ url: '/api/v1/admin/mail/outbox?status=captured', headers: { cookie } });
    expect(list.json()).toMatchObject({ items: [{ id, to: 'ann@example.com', status: 'captured', subject: 'Ada Admin invited you to join Foyer' }], nextCursor: null });
    const detail = await dev.app.inject({ url: `/api/v1/admin/mail/outbox/${id}`, headers: { cookie } });
    expect(detail.json().links).toEqual(['http://localhost:3000/set-password?token=not-a-real-token', 'http://localhost:3000/']);
    expect(detail.json().html).toContain('href="http://localhost:3000/set-password?token=not-a-real-token"');
  });

  it('pages the outbox newest first and filters by status', async () => {
    for (const to of ['a@example.com', 'b@example.com', 'c@example.com']) {
      await enqueueMail(dev.handle.db, dev.config, invitation(to));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const admin = await seedUser(dev.handle, { roles: ['admin'] });
    const cookie = await signIn(dev.app, admin.email);
    const first = (await dev.app.inject({ url: '/api/v1/admin/mail/outbox?limit=2', headers: { cookie } })).json();
    expect(first.items.map((m: { to: string }) => m.to)).toEqual(['c@example.com', 'b@example.com']);
    const second = (await dev.app.inject({ url: `/api/v1/admin/mail/outbox?limit=2&cursor=${first.nextCursor}`, headers: { cookie } })).json();
    expect(second).toMatchObject({ items: [{ to: 'a@example.com' }], nextCursor: null });
    const sent = (await dev.app.inject({ url: '/api/v1/admin/mail/outbox?status=sent', headers: { cookie } })).json();
    expect(sent.items).toEqual([]);
  });

  it('is for mail readers only', async () => {
    const { id } = await enqueueMail(dev.handle.db, dev.config, invitation('ann@example.com'));
    const viewer = await seedUser(dev.handle, { roles: ['viewer'] });
    const cookie = await signIn(dev.app, viewer.email);
    for (const url of ['/api/v1/admin/mail/outbox', `/api/v1/admin/mail/outbox/${id}`, '/api/v1/admin/mail/status']) {
      expect((await dev.app.inject({ url, headers: { cookie } })).statusCode, url).toBe(403);
    }
    const retry = await dev.app.inject({ method: 'POST', url: `/api/v1/admin/mail/outbox/${id}/retry`, headers: asBrowser(cookie) });
    expect(retry.statusCode).toBe(403);
  });
});

describe('assertMailConfigured', () => {
  it('refuses in production until SMTP is configured, by environment or in the console', async () => {
    const db = t.handle.db;
    await expect(assertMailConfigured(db, testConfig({ NODE_ENV: 'production' }))).rejects.toMatchObject({
      status: 409,
      code: 'mail_not_configured',
    });
    await expect(assertMailConfigured(db, testConfig())).resolves.toBeUndefined();
    await expect(assertMailConfigured(db, testConfig({ NODE_ENV: 'production', FOYER_SMTP_URL: 'smtp://mail.example.com' }))).resolves.toBeUndefined();
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(cookie), payload: { mail: { host: 'mail.example.com' } } });
    await expect(assertMailConfigured(db, testConfig({ NODE_ENV: 'production' }))).resolves.toBeUndefined();
  });
});
