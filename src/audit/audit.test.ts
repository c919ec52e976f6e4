import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { createUser } from '../accounts/index.js';
import { recordAudit, systemContext } from './record.js';
import { auditEvents } from './schema.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('audit log', () => {
  it('is written in the same transaction: a failed change leaves no audit row', async () => {
    const existing = await seedUser(t.handle);
    const before = await t.handle.db.select().from(auditEvents);
    // createUser records 'user.created' and then the second insert fails on the unique username.
    await expect(
      t.handle.db.transaction(async (tx) => {
        await createUser(tx, systemContext(), { name: 'A', email: 'fresh@example.com', username: 'fresh' }, t.config);
        await createUser(tx, systemContext(), { name: 'B', email: 'other@example.com', username: existing.username }, t.config);
      }),
    ).rejects.toMatchObject({ code: 'username_taken' });
    expect(await t.handle.db.select().from(auditEvents)).toEqual(before);
  });

  it('refuses updates and deletes of past events', async () => {
    await recordAudit(t.handle.db, systemContext(), { action: 'test.event' });
    await expect(t.handle.db.execute(sql`update audit_events set action = 'forged'`)).rejects.toThrow();
    await expect(t.handle.db.execute(sql`delete from audit_events`)).rejects.toThrow();
    expect(await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'test.event'))).toHaveLength(1);
  });

  it('survives the deletion of the user it names', async () => {
    const user = await seedUser(t.handle);
    await t.handle.db.execute(sql`delete from users where id = ${user.id}`);
    expect(await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id))).toHaveLength(1);
  });

  it('is listed newest first with filters and cursor paging, for holders of audit.read only', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    for (let i = 0; i < 5; i += 1) await recordAudit(t.handle.db, systemContext(), { action: 'test.paging', targetId: `t${i}` });

    const first = await t.app.inject({ url: '/api/v1/admin/audit-events?action=test.paging&limit=2', headers: { cookie } });
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((e: { targetId: string }) => e.targetId)).toEqual(['t4', 't3']);
    const second = await t.app.inject({ url: `/api/v1/admin/audit-events?action=test.paging&limit=2&cursor=${first.json().nextCursor}`, headers: { cookie } });
    expect(second.json().items.map((e: { targetId: string }) => e.targetId)).toEqual(['t2', 't1']);
    const third = await t.app.inject({ url: `/api/v1/admin/audit-events?action=test.paging&limit=2&cursor=${second.json().nextCursor}`, headers: { cookie } });
    expect(third.json()).toMatchObject({ items: [{ targetId: 't0' }], nextCursor: null });

    const byActor = await t.app.inject({ url: `/api/v1/admin/audit-events?actorId=${admin.id}`, headers: { cookie } });
    expect(byActor.json().items.map((e: { action: string }) => e.action)).toEqual(['auth.login.succeeded']);
    const future = await t.app.inject({ url: '/api/v1/admin/audit-events?since=2999-01-01T00:00:00Z', headers: { cookie } });
    expect(future.json().items).toEqual([]);

    const bad = await t.app.inject({ url: '/api/v1/admin/audit-events?cursor=garbage', headers: { cookie } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_cursor');

    const member = await seedUser(t.handle, { roles: ['member'] });
    const memberCookie = await signIn(t.app, member.email);
    expect((await t.app.inject({ url: '/api/v1/admin/audit-events', headers: { cookie: memberCookie } })).statusCode).toBe(403);
  });

  it('names a sign-up link without a name as such, not as a deleted one', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/signup-links',
      headers: asBrowser(cookie),
      payload: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(created.statusCode, created.body).toBe(201);
    const events = await t.app.inject({ url: '/api/v1/admin/audit-events?action=signup_link.created', headers: { cookie } });
    expect(events.json().items).toMatchObject([{ targetType: 'signup_link', targetName: 'without a name' }]);
  });

  it('attributes actions taken with an API token to that token', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const { token, id } = (
      await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(cookie), payload: { name: 'ci' } })
    ).json();
    const second = (
      await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: { authorization: `Bearer ${token}` }, payload: { name: 'child' } })
    ).json();
    const [created] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, second.id));
    expect(created).toMatchObject({ actorType: 'api_token', actorId: id, action: 'api_token.created' });
  });
});
