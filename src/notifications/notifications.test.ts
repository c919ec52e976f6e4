import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { builtinRoleId, groupMembers, groupRoles, groups, users } from '../accounts/index.js';
import { createTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp-server.js';
import { createMailWorker } from '../mail/worker.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { notifyAdmins } from './service.js';

let t: TestApp;
let smtp: TestSmtpServer;
beforeEach(async () => {
  smtp = await createTestSmtpServer();
  await smtp.start();
  t = await createTestApp({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
});
afterEach(async () => {
  await smtp.stop();
  await t.close();
});

const getPreferences = (cookie: string) => t.app.inject({ url: '/api/v1/me/notifications', headers: { cookie } });
const setPreferences = (cookie: string, preferences: { event: string; enabled: boolean }[]) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/me/notifications', headers: asBrowser(cookie), payload: { preferences } });

const newRequest = { requesterName: 'Rita Requester', requesterEmail: 'rita@example.com', message: 'I run the front desk.' };

describe('notification preferences', () => {
  it('list only the events someone may receive, on by default', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const member = await seedUser(t.handle, { roles: ['member'] });
    const external = await seedUser(t.handle, { roles: ['admin'], profile: 'external' });
    expect((await getPreferences(await signIn(t.app, admin.email))).json()).toEqual({
      preferences: [
        {
          event: 'access_request.created',
          label: 'New access request',
          description: 'Email me when someone asks for access, so I can approve or decline it.',
          enabled: true,
        },
      ],
    });
    expect((await getPreferences(await signIn(t.app, member.email))).json()).toEqual({ preferences: [] });
    // Notices name other people, which External users never see.
    expect((await getPreferences(await signIn(t.app, external.email))).json()).toEqual({ preferences: [] });
  });

  it('can be turned off and on again, and each change is recorded', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const off = await setPreferences(cookie, [{ event: 'access_request.created', enabled: false }]);
    expect(off.statusCode).toBe(200);
    expect(off.json().preferences[0]).toMatchObject({ event: 'access_request.created', enabled: false });
    expect((await getPreferences(cookie)).json().preferences[0].enabled).toBe(false);
    await setPreferences(cookie, [{ event: 'access_request.created', enabled: false }]);
    await setPreferences(cookie, [{ event: 'access_request.created', enabled: true }]);
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'notification_preferences.updated'));
    expect(events.map((e) => e.details)).toEqual([
      { 'access_request.created': { from: true, to: false } },
      { 'access_request.created': { from: false, to: true } },
    ]);
  });

  it('refuse events that do not exist or that the person does not receive', async () => {
    const member = await seedUser(t.handle, { roles: ['member'] });
    const cookie = await signIn(t.app, member.email);
    const res = await setPreferences(cookie, [
      { event: 'access_request.created', enabled: false },
      { event: 'no.such_event', enabled: true },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toEqual({
      'preferences.0.event': 'is not a notification you receive',
      'preferences.1.event': 'is not a notification you receive',
    });
    expect((await t.app.inject({ url: '/api/v1/me/notifications' })).statusCode).toBe(401);
  });
});

describe('notices to administrators', () => {
  it('go to active people holding users.create, directly or through a group, who have not opted out', async () => {
    const ann = await seedUser(t.handle, { name: 'Ann', email: 'ann@example.com', roles: ['admin'] });
    const optedOut = await seedUser(t.handle, { email: 'opted.out@example.com', roles: ['admin'] });
    await seedUser(t.handle, { email: 'member@example.com', roles: ['member', 'viewer'] });
    const viaGroup = await seedUser(t.handle, { email: 'group@example.com', roles: ['member'] });
    const disabled = await seedUser(t.handle, { email: 'disabled@example.com', roles: ['admin'] });
    const deleted = await seedUser(t.handle, { email: 'deleted@example.com', roles: ['admin'] });
    await seedUser(t.handle, { email: 'external@example.com', roles: ['admin'], profile: 'external' });

    const now = new Date();
    const [group] = await t.handle.db.insert(groups).values({ name: 'Front desk', createdAt: now, updatedAt: now }).returning();
    await t.handle.db.insert(groupRoles).values({ groupId: group!.id, roleId: await builtinRoleId(t.handle.db, 'admin') });
    await t.handle.db.insert(groupMembers).values({ groupId: group!.id, userId: viaGroup.id, addedAt: now });
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, disabled.id));
    await t.handle.db.update(users).set({ deletedAt: now }).where(eq(users.id, deleted.id));
    await setPreferences(await signIn(t.app, optedOut.email), [{ event: 'access_request.created', enabled: false }]);

    const enqueued = await t.handle.db.transaction((tx) => notifyAdmins(tx, t.config, 'access_request.created', newRequest));
    expect(enqueued.map((e) => [e.userId, e.status])).toEqual([
      [ann.id, 'queued'],
      [viaGroup.id, 'queued'],
    ]);

    await createMailWorker({ db: t.handle.db, config: t.config, log: { info() {}, warn() {}, error() {} } }).deliverDue();
    const delivered = smtp.received.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address).sort();
    expect(delivered).toEqual(['ann@example.com', 'group@example.com']);
    const notice = smtp.received[0]!;
    expect(notice.subject).toBe('New access request from Rita Requester — Foyer');
    expect(notice.text).toContain('Rita Requester <rita@example.com> asked for access to Foyer.');
    expect(notice.text).toContain('http://localhost:3000/admin/access-requests');
  });
});
