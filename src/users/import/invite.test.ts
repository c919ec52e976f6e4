import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invitations } from '../../invitations/schema.js';
import { mailOutbox } from '../../mail/schema.js';
import { createTestSmtpServer, type TestSmtpServer } from '../../mail/test-smtp-server.js';
import { createMailWorker } from '../../mail/worker.js';
import { groupMembers, userRoles, users } from '../../accounts/index.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../../test/support.js';
import { seedGroup } from '../testing.js';

let smtp: TestSmtpServer;
let t: TestApp;
let cookie: string;

beforeEach(async () => {
  smtp = await createTestSmtpServer();
  await smtp.start();
  t = await createTestApp({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  const admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin', email: 'admin@example.com', username: 'admin' });
  cookie = await signIn(t.app, admin.email);
});
afterEach(async () => {
  await t.close();
  await smtp.stop();
});

const importCsv = (body: string, query: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/admin/users/import?${query}`,
    headers: { ...asBrowser(cookie), 'content-type': 'text/csv' },
    payload: body,
  });

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const deliver = () => createMailWorker({ db: t.handle.db, config: t.config, log }).deliverDue();
const outboxCount = async () => Number((await t.handle.db.select({ n: sql<number>`count(*)` }).from(mailOutbox))[0]!.n);

describe('importing with invitations', () => {
  it('queues one invitation mail per new person, naming the inviter, and skips people who already have an account', async () => {
    await seedUser(t.handle, { email: 'bob@example.com', username: 'bob' });
    const group = await seedGroup(t.handle, 'Engineering');
    const file = [
      'name,email,username,roles,groups',
      'Kai Lee,kai@example.com,kai,Member,Engineering',
      'Bob Again,BOB@example.com,bobby,,',
      'Mia Chen,mia@example.com,mia,,',
    ].join('\n');

    const res = await importCsv(file, 'invite=true');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.summary).toEqual({ created: 2, skipped: 1, failed: 0, total: 3 });
    expect(report.results).toMatchObject([
      { row: 2, outcome: 'created', email: 'kai@example.com', invitation: 'queued' },
      { row: 3, outcome: 'skipped', code: 'email_taken' },
      { row: 4, outcome: 'created', email: 'mia@example.com', invitation: 'queued' },
    ]);
    expect(report.results[1].invitation).toBeUndefined();

    const kai = (await t.handle.db.select().from(users).where(eq(users.email, 'kai@example.com')))[0]!;
    expect(kai).toMatchObject({ username: 'kai', passwordHash: null });
    expect(await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, kai.id))).toHaveLength(1);
    expect(await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, kai.id))).toEqual([
      expect.objectContaining({ groupId: group.id }),
    ]);
    const invited = await t.handle.db.select().from(invitations);
    expect(invited.map((i) => i.email).sort()).toEqual(['kai@example.com', 'mia@example.com']);

    expect(await outboxCount()).toBe(2);
    await deliver();
    expect(smtp.received.map((m) => m.to && 'text' in m.to ? m.to.text : '').sort()).toEqual(['kai@example.com', 'mia@example.com']);
    expect(smtp.received.every((m) => m.subject === 'Ada Admin invited you to join Foyer')).toBe(true);
    expect(smtp.received[0]!.text).toMatch(/http:\/\/localhost:3000\/invitation\?token=\S+/);

    // Running the same file again invites nobody twice.
    const again = (await importCsv(file, 'invite=true')).json();
    expect(again.summary).toEqual({ created: 0, skipped: 3, failed: 0, total: 3 });
    expect(await outboxCount()).toBe(2);
  });

  it('queues nothing without the option, or on a dry run', async () => {
    const file = 'name,email,username\nKai Lee,kai@example.com,kai';
    const dry = (await importCsv(file, 'invite=true&dryRun=true')).json();
    expect(dry.results).toEqual([{ row: 2, outcome: 'created', email: 'kai@example.com' }]);
    expect(await outboxCount()).toBe(0);
    const plain = (await importCsv(file, 'invite=false')).json();
    expect(plain.results[0]).toMatchObject({ outcome: 'created' });
    expect(plain.results[0].invitation).toBeUndefined();
    expect(await outboxCount()).toBe(0);
    expect(await t.handle.db.select().from(invitations)).toHaveLength(0);
  });
});
