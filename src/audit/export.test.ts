import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { csvField } from './csv.js';
import { recordAudit, systemContext } from './record.js';

let t: TestApp;
let admin: Awaited<ReturnType<typeof seedUser>>;
let cookie: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Lovelace' });
  cookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const parseCsv = (body: string) => body.trimEnd().split('\r\n');

describe('audit log names', () => {
  it('names the actor and the target beside their ids, the person behind a token, and null once deleted', async () => {
    const grace = await seedUser(t.handle, { name: 'Grace Hopper' });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/admin/users/${grace.id}/disable`, headers: asBrowser(cookie) })).statusCode).toBe(200);
    const { token, id: tokenId } = (
      await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(cookie), payload: { name: 'ci' } })
    ).json();
    await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    await recordAudit(t.handle.db, systemContext(), { action: 'user.deleted', targetType: 'user', targetId: '00000000-0000-4000-8000-000000000000' });

    const res = await t.app.inject({ url: '/api/v1/admin/audit-events', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Record<string, unknown>[];
    expect(items.find((e) => e.action === 'user.disabled')).toMatchObject({
      actorId: admin.id,
      actorName: 'Ada Lovelace',
      actorTokenName: null,
      targetId: grace.id,
      targetName: 'Grace Hopper',
    });
    expect(items.find((e) => e.action === 'api_token.used')).toMatchObject({
      actorType: 'api_token',
      actorId: tokenId,
      actorName: 'Ada Lovelace',
      actorTokenName: 'ci',
      targetName: 'ci',
    });
    expect(items.find((e) => e.action === 'user.deleted')).toMatchObject({ actorType: 'system', actorName: null, targetName: null });
  });
});

describe('audit log CSV export', () => {
  it('holds exactly the filtered events, all of them, as an attachment that is never cached', async () => {
    for (let i = 0; i < 3; i += 1) await recordAudit(t.handle.db, systemContext(), { action: 'test.export', targetId: `t${i}` });
    await recordAudit(t.handle.db, systemContext(), { action: 'test.other', targetId: 'other' });

    const res = await t.app.inject({ url: '/api/v1/admin/audit-events.csv?action=test.export', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="foyer-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toBe('id,occurredAt,action,actorType,actorId,actorName,actorTokenName,targetType,targetId,targetName,ip,userAgent,details');
    expect(rows.map((r) => r.split(',')[8])).toEqual(['t2', 't1', 't0']);
    expect(res.body).not.toContain('test.other');

    const byActor = await t.app.inject({ url: `/api/v1/admin/audit-events.csv?actorId=${admin.id}`, headers: { cookie } });
    expect(parseCsv(byActor.body).slice(1).map((r) => r.split(',')[2])).toEqual(['auth.login.succeeded']);
    const none = await t.app.inject({ url: '/api/v1/admin/audit-events.csv?since=2999-01-01T00:00:00Z', headers: { cookie } });
    expect(parseCsv(none.body)).toHaveLength(1);
  });

  it('goes past one batch', async () => {
    await t.handle.db.transaction(async (tx) => {
      for (let i = 0; i < 1005; i += 1) await recordAudit(tx, systemContext(), { action: 'test.many' });
    });
    const res = await t.app.inject({ url: '/api/v1/admin/audit-events.csv?action=test.many', headers: { cookie } });
    expect(parseCsv(res.body)).toHaveLength(1006);
  });

  it('escapes quotes, commas and line breaks, and opens would-be formulas with a quote', async () => {
    await recordAudit(t.handle.db, { ...systemContext(), userAgent: '=HYPERLINK("http://evil.example","x")' }, {
      action: 'test.escape',
      details: { note: 'a, "b"\nc' },
    });
    const res = await t.app.inject({ url: '/api/v1/admin/audit-events.csv?action=test.escape', headers: { cookie } });
    expect(res.body).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);
    expect(res.body).toContain(`"{""note"":""a, \\""b\\""\\nc""}"`);
    expect(res.body).not.toMatch(/,=HYPERLINK/);
  });

  it('needs audit.read and refuses bad filters with 400', async () => {
    const member = await seedUser(t.handle, { roles: ['member'] });
    const memberCookie = await signIn(t.app, member.email);
    expect((await t.app.inject({ url: '/api/v1/admin/audit-events.csv', headers: { cookie: memberCookie } })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/admin/audit-events.csv' })).statusCode).toBe(401);
    const bad = await t.app.inject({ url: '/api/v1/admin/audit-events.csv?since=yesterday', headers: { cookie } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
  });
});

describe('csvField', () => {
  it.each([
    [null, ''],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+31 6', "'+31 6"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['=a,b', '"\'=a,b"'],
  ])('%j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
