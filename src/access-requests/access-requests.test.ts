import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemContext } from '../audit/record.js';
import { auditEvents } from '../audit/schema.js';
import { mailOutbox } from '../mail/schema.js';
import { createTestSmtpServer, type TestSmtpServer } from '../mail/test-smtp-server.js';
import { createMailWorker } from '../mail/worker.js';
import { actorFor, asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { ALL_PERMISSIONS, roles, userRoles, users } from '../accounts/index.js';
import { accessRequests } from './schema.js';
import { approveAccessRequests } from './approve.js';
import { createSsoRegistrationRequest } from './service.js';

let t: TestApp;
let smtp: TestSmtpServer;
let admin: Awaited<ReturnType<typeof seedUser>>;
let adminCookie: string;

beforeEach(async () => {
  smtp = await createTestSmtpServer();
  await smtp.start();
  t = await createTestApp({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  admin = await seedUser(t.handle, { name: 'Ada Admin', email: 'ada@example.com', roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
  await patchSettings({ registration: { accessRequestsEnabled: true } });
});
afterEach(async () => {
  vi.useRealTimers();
  await smtp.stop();
  await t.close();
});

const patchSettings = async (payload: object) => {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload });
  expect(res.statusCode).toBe(200);
  return res;
};

let ipCounter = 0;
/** Each call from its own address unless told otherwise, so the per-IP limit only bites where a test wants it. */
const submit = (payload: { email: string; name?: string; message?: string }, remoteAddress = `10.0.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/access-requests',
    headers: { origin: TEST_ORIGIN },
    remoteAddress,
    payload: { name: 'Rita Requester', message: 'I run the front desk.', ...payload },
  });

const list = (cookie: string, query = '') => t.app.inject({ url: `/api/v1/admin/access-requests${query}`, headers: { cookie } });
const decide = (cookie: string, action: 'approve' | 'decline', ids: string[]) =>
  t.app.inject({ method: 'POST', url: `/api/v1/admin/access-requests/${action}`, headers: asBrowser(cookie), payload: { ids } });
const restore = (cookie: string, id: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/admin/access-requests/${id}/restore`, headers: asBrowser(cookie) });

const requestRows = () => t.handle.db.select().from(accessRequests);
const outbox = () => t.handle.db.select().from(mailOutbox);
const requestIdOf = async (email: string) =>
  (await t.handle.db.select({ id: accessRequests.id }).from(accessRequests).where(eq(accessRequests.emailKey, email.toLowerCase())))[0]!.id;
const deliver = () => createMailWorker({ db: t.handle.db, config: t.config, log: { info() {}, warn() {}, error() {} } }).deliverDue();
const recipientsOf = () => smtp.received.map((m) => ({ to: (Array.isArray(m.to) ? m.to[0] : m.to)!.value[0]!.address, subject: m.subject, text: m.text }));

async function userWith(permissions: string[]) {
  const [role] = await t.handle.db.insert(roles).values({ name: `Role ${permissions.join(' ')}`, permissions }).returning();
  const user = await seedUser(t.handle);
  await t.handle.db.insert(userRoles).values({ userId: user.id, roleId: role!.id });
  return { user, cookie: await signIn(t.app, user.email) };
}

describe('the public form', () => {
  it('names what is missing in the sentences the page shows, before looking at any account', async () => {
    const bad = await submit({ email: 'rita', name: ' ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { email: 'Enter a valid email address.', name: 'Enter your name.' } },
    });
  });

  it('is closed until registration settings open it, and the sign-in page learns whether it is open', async () => {
    const options = () => t.app.inject({ url: '/api/v1/auth/sign-in-options' });
    expect((await options()).json().accessRequestsEnabled).toBe(true);
    await patchSettings({ registration: { accessRequestsEnabled: false } });
    expect((await options()).json().accessRequestsEnabled).toBe(false);
    const closed = await submit({ email: 'rita@example.com' });
    expect(closed.statusCode).toBe(404);
    expect(closed.json().error.code).toBe('access_requests_disabled');

    await patchSettings({ registration: { accessRequestsEnabled: true, ssoVerifiedRequestsRequired: true } });
    expect((await options()).json().accessRequestsEnabled).toBe(false);
    const ssoOnly = await submit({ email: 'rita@example.com' });
    expect(ssoOnly.statusCode).toBe(403);
    expect(ssoOnly.json().error.code).toBe('sso_verification_required');
    expect(await requestRows()).toEqual([]);

    const settings = await t.app.inject({ url: '/api/v1/admin/settings', headers: { cookie: adminCookie } });
    expect(settings.json().registration).toEqual({ accessRequestsEnabled: true, ssoRegistrationEnabled: false, ssoVerifiedRequestsRequired: true });
    const changes = await t.handle.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'settings.updated'), eq(auditEvents.targetId, 'registration')));
    expect(changes).toHaveLength(3);
  });

  it('refuses a domain off the allowlist with the exact sentence, storing and sending nothing', async () => {
    await patchSettings({ allowedDomains: ['example.com'] });
    const res = await submit({ email: 'mallory@elsewhere.org' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({
      code: 'email_domain_not_allowed',
      message: 'This email domain is not approved — contact your administrator',
      details: { fields: { email: 'This email domain is not approved — contact your administrator' } },
    });
    expect(await requestRows()).toEqual([]);
    expect(await outbox()).toEqual([]);
    // The refusal is on record, without the visitor's address.
    const [refusal] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'access_request.refused'));
    expect(refusal!.details).toEqual({ reason: 'email_domain_not_allowed', domain: 'elsewhere.org' });

    expect((await submit({ email: 'rita@example.com' })).statusCode).toBe(202);
  });

  it('answers the same whether the email is unknown, has an account or has asked before', async () => {
    await seedUser(t.handle, { email: 'known@example.com' });
    const unknown = await submit({ email: 'nobody@example.com' });
    const known = await submit({ email: 'known@example.com' });
    const again = await submit({ email: 'NOBODY@example.com' });
    for (const res of [unknown, known, again]) {
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe(unknown.body);
      expect(res.headers['content-type']).toBe(unknown.headers['content-type']);
    }
    expect(unknown.json()).toEqual({ received: true });
  });

  it('keeps one request per email: a resubmission replaces the message and refreshes the time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T09:00:00Z'));
    await submit({ email: 'rita@example.com', message: 'first' });
    vi.setSystemTime(new Date('2026-03-01T09:30:00Z'));
    await submit({ email: 'Rita@Example.com', name: 'Rita R.', message: 'second' });
    const rows = await requestRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ message: 'second', name: 'Rita R.', email: 'Rita@Example.com', status: 'pending' });
    expect(rows[0]!.requestedAt.toISOString()).toBe('2026-03-01T09:30:00.000Z');
    expect(rows[0]!.createdAt.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    const actions = await t.handle.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetType, 'access_request'));
    expect(actions.map((a) => a.action)).toEqual(['access_request.created', 'access_request.resubmitted']);
  });

  it('keeps one request per email under 20 concurrent submissions', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => submit({ email: 'rush@example.com', message: `attempt ${i}` })));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(20).fill(202));
    const rows = await requestRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.message).toMatch(/^attempt \d+$/);
    // Only the first submission thanked the requester; the rest of the burst sent nothing more.
    expect((await outbox()).filter((m) => m.recipient === 'rush@example.com')).toHaveLength(1);
  });

  it('limits submissions per IP address in the database', async () => {
    for (let i = 0; i < 10; i += 1) expect((await submit({ email: `p${i}@example.com` }, '192.0.2.7')).statusCode).toBe(202);
    const limited = await submit({ email: 'p11@example.com' }, '192.0.2.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await submit({ email: 'p11@example.com' }, '192.0.2.8')).statusCode).toBe(202);
  });

  it('thanks the requester and notifies administrators who want it, through a real SMTP server', async () => {
    const optedOut = await seedUser(t.handle, { email: 'quiet@example.com', roles: ['admin'] });
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me/notifications',
      headers: asBrowser(await signIn(t.app, optedOut.email)),
      payload: { preferences: [{ event: 'access_request.created', enabled: false }] },
    });
    await seedUser(t.handle, { email: 'viewer@example.com', roles: ['viewer'] });
    await submit({ email: 'rita@example.com' });
    await deliver();
    const mails = recipientsOf();
    expect(mails.map((m) => m.to).sort()).toEqual(['ada@example.com', 'rita@example.com']);
    expect(mails.find((m) => m.to === 'rita@example.com')!.subject).toBe('We received your request to join Foyer');
    const notice = mails.find((m) => m.to === 'ada@example.com')!;
    expect(notice.subject).toBe('New access request from Rita Requester — Foyer');
    expect(notice.text).toContain('http://localhost:3000/admin/access-requests?q=rita%40example.com');

    // An immediate resubmission is recorded but mails nobody again.
    await submit({ email: 'rita@example.com', message: 'please' });
    await deliver();
    expect(smtp.received).toHaveLength(2);
  });
});

describe('reviewing requests', () => {
  it('lists newest first with search, status filter, paging and the account marker, for holders of access_requests.read', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    for (const [i, email] of ['ann@example.com', 'bob@example.com', 'cleo@example.com'].entries()) {
      vi.setSystemTime(new Date(Date.UTC(2026, 2, 1, 9, i)));
      await submit({ email, name: email.split('@')[0]! });
    }
    vi.useRealTimers();
    await seedUser(t.handle, { email: 'bob@example.com' });

    const first = await list(adminCookie, '?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((r: { email: string }) => r.email)).toEqual(['cleo@example.com', 'bob@example.com']);
    expect(first.json().items[1]).toMatchObject({ accountExists: true, status: 'pending', source: 'form', message: 'I run the front desk.' });
    const second = await list(adminCookie, `?limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json()).toMatchObject({ items: [{ email: 'ann@example.com', accountExists: false }], nextCursor: null });
    expect((await list(adminCookie, '?q=CLE')).json().items.map((r: { email: string }) => r.email)).toEqual(['cleo@example.com']);
    expect((await list(adminCookie, '?status=approved')).json().items).toEqual([]);

    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    expect((await list(await signIn(t.app, viewer.email))).statusCode).toBe(200);
    const member = await seedUser(t.handle, { roles: ['member'] });
    expect((await list(await signIn(t.app, member.email))).statusCode).toBe(403);
    const external = await seedUser(t.handle, { roles: ['admin'], profile: 'external' });
    expect((await list(await signIn(t.app, external.email))).statusCode).toBe(403);
    expect((await list('')).statusCode).toBe(401);
  });

  it('approves a mix of new, existing, blocked and unknown requests with one outcome each', async () => {
    await submit({ email: 'new.person@example.com', name: 'New Person' });
    await submit({ email: 'has.account@example.com', name: 'Has Account' });
    await submit({ email: 'someone@blocked.org', name: 'Blocked Someone' });
    const existing = await seedUser(t.handle, { name: 'Has Account', email: 'has.account@example.com' });
    await patchSettings({ allowedDomains: ['example.com'] });
    const before = (await outbox()).length;

    const ids = [await requestIdOf('new.person@example.com'), await requestIdOf('has.account@example.com'), await requestIdOf('someone@blocked.org')];
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const res = await decide(adminCookie, 'approve', [...ids, unknownId]);
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toEqual([
      { id: ids[0], outcome: 'created_and_invited' },
      { id: ids[1], outcome: 'existing_account_approved' },
      { id: ids[2], outcome: 'blocked_domain', reason: 'email_domain_not_allowed' },
      { id: unknownId, outcome: 'failed', reason: 'not_found' },
    ]);

    const [created] = await t.handle.db.select().from(users).where(eq(users.email, 'new.person@example.com'));
    expect(created).toMatchObject({ status: 'active', passwordHash: null, emailVerifiedAt: null });
    const mails = (await outbox()).slice(before).map((m) => [m.recipient, m.template]);
    expect(mails).toEqual([
      ['new.person@example.com', 'invitation'],
      ['has.account@example.com', 'account_approved'],
    ]);
    expect((await t.handle.db.select().from(users).where(eq(users.id, existing.id)))[0]!.status).toBe('active');
    const statuses = await t.handle.db.select({ email: accessRequests.email, status: accessRequests.status }).from(accessRequests).orderBy(accessRequests.email);
    expect(statuses).toEqual([
      { email: 'has.account@example.com', status: 'approved' },
      { email: 'new.person@example.com', status: 'approved' },
      { email: 'someone@blocked.org', status: 'pending' },
    ]);
    const approvals = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'access_request.approved'));
    expect(approvals.map((a) => a.details.outcome).sort()).toEqual(['created_and_invited', 'existing_account_approved']);

    // Approving again changes nothing and says why.
    expect((await decide(adminCookie, 'approve', [ids[0]!])).json().results).toEqual([{ id: ids[0], outcome: 'failed', reason: 'already_approved' }]);
  });

  it('leaves every other request done when one crashes mid-batch, and the crashed one untouched', async () => {
    const emails = ['one@example.com', 'two@example.com', 'three@example.com', 'four@example.com'];
    for (const email of emails) await submit({ email, name: email.split('@')[0]! });
    const ids = await Promise.all(emails.map(requestIdOf));
    const before = await outbox();
    const actor = actorFor(admin, ALL_PERMISSIONS);
    const unexpected: string[] = [];
    const results = await approveAccessRequests(t.handle.db, () => ({ ...systemContext(), actorType: 'user', actorId: admin.id }), { config: t.config }, actor, { ids }, {
      beforeCommit: (id) => {
        if (id === ids[2]) throw new Error('the power went out');
      },
      onUnexpectedError: (_error, id) => unexpected.push(id),
    });
    expect(results.map((r) => r.outcome)).toEqual(['created_and_invited', 'created_and_invited', 'failed', 'created_and_invited']);
    expect(results[2]!.reason).toBe('internal_error');
    expect(unexpected).toEqual([ids[2]]);

    const accounts = await t.handle.db.select({ email: users.email }).from(users).where(inArray(users.email, emails));
    expect(accounts.map((a) => a.email).sort()).toEqual(['four@example.com', 'one@example.com', 'two@example.com']);
    const newMail = (await outbox()).slice(before.length).map((m) => m.recipient);
    expect(newMail.sort()).toEqual(['four@example.com', 'one@example.com', 'two@example.com']);
    const [crashed] = await t.handle.db.select().from(accessRequests).where(eq(accessRequests.id, ids[2]!));
    expect(crashed).toMatchObject({ status: 'pending', decidedAt: null, userId: null });
    const trail = await t.handle.db.select().from(auditEvents).where(sql`${auditEvents.targetId} = ${ids[2]} and ${auditEvents.action} = 'access_request.approved'`);
    expect(trail).toEqual([]);
  });

  it('needs users.create and access_requests.approve to approve', async () => {
    await submit({ email: 'rita@example.com' });
    const id = await requestIdOf('rita@example.com');
    const approverOnly = await userWith(['access_requests.read', 'access_requests.approve']);
    expect((await decide(approverOnly.cookie, 'approve', [id])).statusCode).toBe(403);
    const creatorOnly = await userWith(['access_requests.read', 'users.create']);
    expect((await decide(creatorOnly.cookie, 'approve', [id])).statusCode).toBe(403);
    expect((await decide(creatorOnly.cookie, 'decline', [id])).statusCode).toBe(403);
    expect((await requestRows())[0]!.status).toBe('pending');
  });

  it('declines silently: the request is soft-deleted and no mail is queued', async () => {
    await submit({ email: 'rita@example.com' });
    const id = await requestIdOf('rita@example.com');
    const before = (await outbox()).length;
    const res = await decide(adminCookie, 'decline', [id, id]);
    expect(res.json().results).toEqual([{ id, outcome: 'declined' }]);
    expect(await outbox()).toHaveLength(before);
    expect((await requestRows())[0]!.deletedAt).not.toBeNull();
    expect((await list(adminCookie)).json().items).toEqual([]);
    expect((await list(adminCookie, '?deleted=true')).json().items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await decide(adminCookie, 'decline', [id])).json().results).toEqual([{ id, outcome: 'failed', reason: 'not_found' }]);
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'access_request.declined'));
    expect(event).toMatchObject({ targetId: id, actorId: admin.id });
    await deliver();
    expect(recipientsOf().filter((m) => m.to === 'rita@example.com').map((m) => m.subject)).toEqual(['We received your request to join Foyer']);
  });

  it('will not decline an approved request: the approval stands, and the account keeps its access', async () => {
    await submit({ email: 'ann@example.com' });
    const id = await requestIdOf('ann@example.com');
    expect((await decide(adminCookie, 'approve', [id])).json().results).toEqual([{ id, outcome: 'created_and_invited' }]);
    expect((await decide(adminCookie, 'decline', [id])).json().results).toEqual([{ id, outcome: 'failed', reason: 'already_approved' }]);
    expect((await list(adminCookie)).json().items).toEqual([expect.objectContaining({ id, status: 'approved', deletedAt: null })]);
  });

  it('shows declined requests only with access_requests.view_deleted and restores them only with access_requests.restore', async () => {
    await submit({ email: 'rita@example.com' });
    const id = await requestIdOf('rita@example.com');
    await decide(adminCookie, 'decline', [id]);

    const reader = await userWith(['access_requests.read']);
    expect((await list(reader.cookie, '?deleted=true')).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/admin/access-requests/${id}`, headers: { cookie: reader.cookie } })).statusCode).toBe(404);
    const seer = await userWith(['access_requests.read', 'access_requests.view_deleted']);
    expect((await list(seer.cookie, '?deleted=true')).json().items).toHaveLength(1);
    expect((await t.app.inject({ url: `/api/v1/admin/access-requests/${id}`, headers: { cookie: seer.cookie } })).json().accessRequest.deletedAt).not.toBeNull();
    expect((await restore(seer.cookie, id)).statusCode).toBe(403);

    const restorer = await userWith(['access_requests.read', 'access_requests.restore']);
    const restored = await restore(restorer.cookie, id);
    expect(restored.statusCode).toBe(200);
    expect(restored.json().accessRequest).toMatchObject({ id, deletedAt: null, status: 'pending' });
    expect((await restore(restorer.cookie, id)).statusCode).toBe(404);
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'access_request.restored'));
    expect(event).toMatchObject({ targetId: id, actorId: restorer.user.id });
  });

  it('starts a new request after a decline, and will not restore the old one over it', async () => {
    await submit({ email: 'rita@example.com', message: 'old' });
    const oldId = await requestIdOf('rita@example.com');
    await decide(adminCookie, 'decline', [oldId]);
    await submit({ email: 'rita@example.com', message: 'new' });
    expect(await requestRows()).toHaveLength(2);
    const res = await restore(adminCookie, oldId);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('access_request_exists');
  });
});

describe('registration through SSO', () => {
  it('keeps the account out until an administrator approves its request', async () => {
    const waiting = await seedUser(t.handle, { name: 'Sam Sso', email: 'sam@example.com' });
    await t.handle.db.update(users).set({ status: 'pending_approval' }).where(eq(users.id, waiting.id));
    const { id } = await t.handle.db.transaction((tx) =>
      createSsoRegistrationRequest(tx, systemContext(), { userId: waiting.id, email: waiting.email, name: waiting.name, providerId: 'corp' }, { config: t.config }),
    );

    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin: TEST_ORIGIN },
      payload: { identifier: waiting.email, password: 'correct horse battery' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'account_pending_approval', message: 'Your account is awaiting administrator approval.' });

    const pending = await t.app.inject({ url: '/api/v1/admin/users?status=pending_approval', headers: { cookie: adminCookie } });
    expect(pending.json().items.map((u: { id: string }) => u.id)).toEqual([waiting.id]);
    const listed = (await list(adminCookie)).json().items[0];
    expect(listed).toMatchObject({ id, source: 'sso', accountExists: true });

    expect((await decide(adminCookie, 'approve', [id])).json().results).toEqual([{ id, outcome: 'existing_account_approved' }]);
    expect((await t.handle.db.select().from(users).where(eq(users.id, waiting.id)))[0]!.status).toBe('active');
    const [approved] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.approved'));
    expect(approved).toMatchObject({ targetId: waiting.id, details: { status: { from: 'pending_approval', to: 'active' }, accessRequestId: id } });
    expect(await signIn(t.app, waiting.email)).toMatch(/foyer_session=/);
  });
});
