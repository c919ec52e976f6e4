import { Readable } from 'node:stream';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../../audit/schema.js';
import { builtinRoleId, groupMembers, groupRoles, groups, roles, userRoles, users } from '../../accounts/index.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';

let t: TestApp;
let adminCookie: string;
let statements: string[];

beforeEach(async () => {
  statements = [];
  t = await createTestApp({}, { onQuery: (query) => statements.push(query) });
  const admin = await seedUser(t.handle, { roles: ['admin'], email: 'admin@example.com', username: 'admin' });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const HEADER = 'name,email,username,roles,groups';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

interface ImportRequest {
  cookie?: string;
  headers?: Record<string, string>;
  dryRun?: boolean;
  accept?: string;
}

function importCsv(payload: string | Readable, { cookie = adminCookie, headers, dryRun, accept }: ImportRequest = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/admin/users/import${dryRun === undefined ? '' : `?dryRun=${dryRun}`}`,
    headers: { ...(headers ?? asBrowser(cookie)), 'content-type': 'text/csv', ...(accept ? { accept } : {}) },
    payload,
  });
}

async function createGroup(name: string, roleKeys: string[] = []) {
  const now = new Date();
  const [group] = await t.handle.db.insert(groups).values({ name, createdAt: now, updatedAt: now }).returning();
  for (const key of roleKeys) {
    await t.handle.db.insert(groupRoles).values({ groupId: group!.id, roleId: await builtinRoleId(t.handle.db, key) });
  }
  return group!;
}

const userByEmail = async (email: string) =>
  (await t.handle.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`))[0];

const count = async (table: typeof users | typeof auditEvents) =>
  Number((await t.handle.db.select({ n: sql<number>`count(*)` }).from(table))[0]!.n);

describe('the CSV template', () => {
  it('downloads as an attachment with the header and one example row', async () => {
    const res = await t.app.inject({ url: '/api/v1/admin/users/import-template', headers: { cookie: adminCookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="foyer-users-template.csv"');
    const lines = res.body.trim().split(/\r?\n/);
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.split(',')[3]).toContain(';');
  });

  it('needs users.create', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const res = await t.app.inject({ url: '/api/v1/admin/users/import-template', headers: { cookie: await signIn(t.app, viewer.email) } });
    expect(res.statusCode).toBe(403);
  });
});

describe('importing users from CSV', () => {
  it('creates Pending Setup members with their roles, groups and one audit event each', async () => {
    const engineering = await createGroup('Engineering');
    const res = await importCsv(
      csv('Ada Lovelace,ada@example.com,ada,Member;viewer,engineering', 'Grace Hopper,grace@example.com,grace,,', 'Alan Turing,alan@example.com,alan'),
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ dryRun: false, summary: { created: 3, skipped: 0, failed: 0, total: 3 } });
    expect(body.results.map((r: { row: number; outcome: string }) => [r.row, r.outcome])).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'created'],
    ]);

    const ada = await userByEmail('ada@example.com');
    expect(ada).toMatchObject({ name: 'Ada Lovelace', username: 'ada', status: 'active', profile: 'member', passwordHash: null, emailVerifiedAt: null });
    expect(body.results[0].userId).toBe(ada!.id);
    const adaRoles = await t.handle.db
      .select({ name: roles.name })
      .from(userRoles)
      .innerJoin(roles, eq(roles.id, userRoles.roleId))
      .where(eq(userRoles.userId, ada!.id));
    expect(adaRoles.map((r) => r.name).sort()).toEqual(['Member', 'Viewer']);
    const adaGroups = await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, ada!.id));
    expect(adaGroups.map((g) => g.groupId)).toEqual([engineering.id]);

    const created = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.created'));
    const importedIds = body.results.map((r: { userId: string }) => r.userId);
    expect(created.filter((e) => importedIds.includes(e.targetId)).map((e) => e.targetId).sort()).toEqual([...importedIds].sort());
    const adaEvent = created.find((e) => e.targetId === ada!.id)!;
    expect(adaEvent).toMatchObject({ actorType: 'user', details: { email: 'ada@example.com', groupIds: [engineering.id], withPassword: false } });
    const [summary, ...more] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'users.imported'));
    expect(more).toHaveLength(0);
    expect(summary!.details).toMatchObject({ created: 3, skipped: 0, failed: 0, total: 3 });

    const list = await t.app.inject({ url: '/api/v1/admin/users?q=ada@example.com', headers: { cookie: adminCookie } });
    expect(list.json().items[0]).toMatchObject({ email: 'ada@example.com', authMethod: 'pending_setup' });
  });

  it('reports each row that is skipped or fails, with its row number and reason', async () => {
    await seedUser(t.handle, { email: 'taken@example.com', username: 'someone' });
    await seedUser(t.handle, { email: 'other@example.com', username: 'taken.name' });
    const res = await importCsv(
      csv(
        'Existing Email,TAKEN@example.com,fresh1,,',
        'Existing Username,fresh2@example.com,Taken.Name,,',
        'First,dup@example.com,first,,',
        'Bad Email,not-an-email,bademail,,',
        'Unknown Role,role@example.com,unknownrole,Member;Wizards,',
        'Unknown Group,group@example.com,unknowngroup,,Nowhere',
        ',noname@example.com,noname,,',
        'Second,Dup@Example.com,second,,',
        'Third,third@example.com,FIRST,,',
        'Too Many,many@example.com,many,,,extra',
        'Fine,fine@example.com,fine,,',
      ),
    );
    expect(res.statusCode).toBe(200);
    const { results, summary } = res.json();
    expect(summary).toEqual({ created: 2, skipped: 2, failed: 7, total: 11 });
    const byRow = new Map(results.map((r: { row: number }) => [r.row, r]));
    expect(byRow.get(2)).toMatchObject({ outcome: 'skipped', code: 'email_taken', email: 'TAKEN@example.com' });
    expect(byRow.get(3)).toMatchObject({ outcome: 'skipped', code: 'username_taken' });
    expect(byRow.get(4)).toMatchObject({ outcome: 'created' });
    expect(byRow.get(5)).toMatchObject({ outcome: 'failed', code: 'invalid_row', reason: expect.stringContaining('email') });
    expect(byRow.get(6)).toMatchObject({ outcome: 'failed', code: 'unknown_role', reason: expect.stringContaining('Wizards') });
    expect(byRow.get(7)).toMatchObject({ outcome: 'failed', code: 'unknown_group', reason: expect.stringContaining('Nowhere') });
    expect(byRow.get(8)).toMatchObject({ outcome: 'failed', code: 'invalid_row', reason: expect.stringContaining('name') });
    expect(byRow.get(9)).toMatchObject({ outcome: 'failed', code: 'duplicate_in_file' });
    expect((byRow.get(9) as { reason: string }).reason).toMatch(/row 9\b.*row 4\b|row 4\b.*row 9\b/i);
    expect(byRow.get(10)).toMatchObject({ outcome: 'failed', code: 'duplicate_in_file', reason: expect.stringMatching(/username.*row 4/) });
    expect(byRow.get(11)).toMatchObject({ outcome: 'failed', code: 'invalid_row' });
    expect(byRow.get(12)).toMatchObject({ outcome: 'created' });
    for (const email of ['fresh1@example.com', 'fresh2@example.com', 'role@example.com', 'group@example.com', 'noname@example.com', 'many@example.com']) {
      expect(await userByEmail(email)).toBeUndefined();
    }
    expect(await userByEmail('dup@example.com')).toMatchObject({ name: 'First' });
  });

  it('writes nothing on a dry run but reports what would happen', async () => {
    await seedUser(t.handle, { email: 'taken@example.com' });
    const usersBefore = await count(users);
    const eventsBefore = await count(auditEvents);
    const res = await importCsv(csv('New,new@example.com,newbie,Member,', 'Old,taken@example.com,oldie,,', 'Bad,bad,bad,,'), { dryRun: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      dryRun: true,
      summary: { created: 1, skipped: 1, failed: 1, total: 3 },
      results: [{ row: 2, outcome: 'created', email: 'new@example.com' }, { row: 3, outcome: 'skipped' }, { row: 4, outcome: 'failed' }],
    });
    expect(res.json().results[0].userId).toBeUndefined();
    expect(await count(users)).toBe(usersBefore);
    expect(await count(auditEvents)).toBe(eventsBefore);
  });

  it('refuses a missing or wrong header row with csv_header_invalid naming the expected columns', async () => {
    for (const payload of ['name,email\nAda,ada@example.com', 'name,email,user,roles\nAda,ada@example.com,ada,', '']) {
      const res = await importCsv(payload);
      expect(res.statusCode).toBe(400);
      const { error } = res.json();
      expect(error.code).toBe('csv_header_invalid');
      expect(error.message).toContain('name,email,username,roles,groups');
      expect(error.details.expectedColumns).toEqual(['name', 'email', 'username', 'roles', 'groups']);
    }
    expect(await userByEmail('ada@example.com')).toBeUndefined();
  });

  it('accepts the columns in any order, without the optional ones, with a byte order mark and CRLF', async () => {
    const res = await importCsv('\ufeffUsername,Email,Name\r\nada,ada@example.com,"Lovelace, Ada"\r\n');
    expect(res.json()).toMatchObject({ summary: { created: 1, total: 1 } });
    expect(await userByEmail('ada@example.com')).toMatchObject({ name: 'Lovelace, Ada', username: 'ada' });
  });

  it('refuses per row to grant roles or groups carrying permissions the importer does not hold', async () => {
    const manager = await seedUser(t.handle, { roles: ['user_manager'] });
    const managerCookie = await signIn(t.app, manager.email);
    await createGroup('Operators', ['admin']);
    const res = await importCsv(
      csv('Plain,plain@example.com,plain,Member,', 'Promoted,promoted@example.com,promoted,Admin,', 'Grouped,grouped@example.com,grouped,,Operators'),
      { cookie: managerCookie },
    );
    expect(res.statusCode).toBe(200);
    const [plain, promoted, grouped] = res.json().results;
    expect(plain).toMatchObject({ outcome: 'created' });
    expect(promoted).toMatchObject({ outcome: 'failed', code: 'forbidden', reason: expect.stringContaining('roles.manage') });
    expect(grouped).toMatchObject({ outcome: 'failed', code: 'forbidden' });
    expect(await userByEmail('promoted@example.com')).toBeUndefined();
    expect(await userByEmail('grouped@example.com')).toBeUndefined();
  });

  it('streams NDJSON progress: one line per row, then the summary', async () => {
    const res = await importCsv(csv('A,a@example.com,a1,,', 'B,b@example.com,b1,,', 'Bad,bad,b2,,'), { accept: 'application/x-ndjson' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = res.body.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ type: 'row', row: 2, outcome: 'created', email: 'a@example.com' }),
      expect.objectContaining({ type: 'row', row: 3, outcome: 'created' }),
      expect.objectContaining({ type: 'row', row: 4, outcome: 'failed', code: 'invalid_row' }),
      { type: 'summary', dryRun: false, summary: { created: 2, skipped: 0, failed: 1, total: 3 } },
    ]);
  });

  it('imports a file of several batches from a stream, checking existing accounts once per batch', async () => {
    await seedUser(t.handle, { email: 'person1200@example.com' });
    const rows = Array.from({ length: 2500 }, (_, i) => `Person ${i},person${i}@example.com,person${i},Member,`);
    rows.push('Again,person7@example.com,again,,');
    statements.length = 0;
    const res = await importCsv(Readable.from([HEADER, ...rows].map((line) => `${line}\n`)));
    expect(res.statusCode).toBe(200);
    const { summary, results } = res.json();
    expect(summary).toEqual({ created: 2499, skipped: 1, failed: 1, total: 2501 });
    expect(results).toHaveLength(2501);
    expect(results.map((r: { row: number }) => r.row)).toEqual(Array.from({ length: 2501 }, (_, i) => i + 2));
    expect(results[1200]).toMatchObject({ outcome: 'skipped', code: 'email_taken' });
    expect(results[2500]).toMatchObject({ outcome: 'failed', code: 'duplicate_in_file', reason: expect.stringContaining('row 9') });
    const imported = await t.handle.db.select({ n: sql<number>`count(*)` }).from(users).where(sql`${users.email} like 'person%'`);
    expect(Number(imported[0]!.n)).toBe(2500);
    const memberRole = await builtinRoleId(t.handle.db, 'member');
    const members = await t.handle.db.select({ n: sql<number>`count(*)` }).from(userRoles).where(eq(userRoles.roleId, memberRole));
    expect(Number(members[0]!.n)).toBe(2499);
    // Work grows with batches, not rows: three batches cost a few dozen statements, not thousands.
    expect(statements.length).toBeLessThan(40);
  });

  it('skips everyone already imported when a file is run again, creating only the new people, with nothing twice', async () => {
    const team = await createGroup('Team');
    const rows = ['Ada,ada@example.com,ada,Member,Team', 'Grace,grace@example.com,grace,Member,Team'];
    expect((await importCsv(csv(...rows))).json().summary).toMatchObject({ created: 2, skipped: 0 });
    const res = await importCsv(csv(...rows, 'Alan,alan@example.com,alan,Member,Team'));
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toMatchObject([
      { row: 2, outcome: 'skipped', code: 'email_taken' },
      { row: 3, outcome: 'skipped', code: 'email_taken' },
      { row: 4, outcome: 'created' },
    ]);
    const people = await t.handle.db.select({ id: users.id }).from(users).where(inArray(users.username, ['ada', 'grace', 'alan']));
    const ids = people.map((p) => p.id);
    expect(ids).toHaveLength(3);
    const memberships = await t.handle.db.select().from(groupMembers).where(eq(groupMembers.groupId, team.id));
    expect(memberships.map((m) => m.userId).sort()).toEqual([...ids].sort());
    const withRole = await t.handle.db.select({ n: sql<number>`count(*)` }).from(userRoles).where(inArray(userRoles.userId, ids));
    expect(Number(withRole[0]!.n)).toBe(3);
    const events = await t.handle.db
      .select({ n: sql<number>`count(*)` })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'user.created'), inArray(auditEvents.targetId, ids)));
    expect(Number(events[0]!.n)).toBe(3);
  });

  it('lets concurrent imports of overlapping files create each person once', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `Person ${i},person${i}@example.com,person${i},,`);
    const [first, second] = await Promise.all([importCsv(csv(...rows)), importCsv(csv(...rows.slice(500), 'Extra,extra@example.com,extra,,'))]);
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    const a = first.json().summary;
    const b = second.json().summary;
    expect(a.failed + b.failed).toBe(0);
    expect(a.created + b.created).toBe(1501);
    expect(a.skipped + b.skipped).toBe(1000);
    const created = await t.handle.db.select({ n: sql<number>`count(*)` }).from(users).where(sql`${users.email} like 'person%'`);
    expect(Number(created[0]!.n)).toBe(1500);
  });

  it('keeps every batch whole: a batch that fails leaves none of its rows behind, earlier batches stay complete', async () => {
    const doomed = await createGroup('Doomed');
    await t.handle.db.execute(
      sql.raw(`create function refuse_doomed() returns trigger language plpgsql as $$ begin raise exception 'simulated crash'; end $$`),
    );
    await t.handle.db.execute(
      sql.raw(`create trigger refuse_doomed before insert on group_members
        for each row when (new.group_id = '${doomed.id}') execute function refuse_doomed()`),
    );
    const rows = Array.from({ length: 1500 }, (_, i) => `Person ${i},person${i}@example.com,person${i},Member,${i === 1200 ? 'Doomed' : ''}`);
    const res = await importCsv(csv(...rows));
    expect(res.statusCode).toBe(500);
    const kept = await t.handle.db.select({ id: users.id }).from(users).where(sql`${users.email} like 'person%'`);
    expect(kept).toHaveLength(1000);
    const ids = kept.map((u) => u.id);
    const withRole = await t.handle.db.select({ n: sql<number>`count(*)` }).from(userRoles).where(inArray(userRoles.userId, ids));
    expect(Number(withRole[0]!.n)).toBe(1000);
    const events = await t.handle.db
      .select({ n: sql<number>`count(*)` })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'user.created'), inArray(auditEvents.targetId, ids)));
    expect(Number(events[0]!.n)).toBe(1000);
    expect(await userByEmail('person1000@example.com')).toBeUndefined();
  });

  it('reports a person created by someone else between the check and the insert as skipped', async () => {
    // Stands in for a concurrent import: the conflicting account appears after this batch checked for it.
    await t.handle.db.execute(
      sql.raw(`create function race() returns trigger language plpgsql as $$ begin
        insert into users (name, email, username, created_at, updated_at) values ('Racer', 'RACE@example.com', 'racer', now(), now());
        return new; end $$`),
    );
    await t.handle.db.execute(sql.raw(`create trigger race before insert on users for each row when (new.email = 'race@example.com') execute function race()`));
    const res = await importCsv(csv('Race,race@example.com,race1,Member,', 'Calm,calm@example.com,calm,Member,'));
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toMatchObject([
      { row: 2, outcome: 'skipped', code: 'email_taken' },
      { row: 3, outcome: 'created' },
    ]);
    expect(await userByEmail('race@example.com')).toMatchObject({ name: 'Racer' });
    const racer = await userByEmail('race@example.com');
    expect(await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, racer!.id))).toHaveLength(0);
  });

  it('works a batch out again after a deadlock with a concurrent import', async () => {
    await t.handle.db.execute(sql.raw(`create sequence deadlocks`));
    // A sequence is not rolled back with the failed statement, so exactly the first attempt fails.
    await t.handle.db.execute(
      sql.raw(`create function deadlock_once() returns trigger language plpgsql as $$ begin
        if nextval('deadlocks') = 1 then raise exception 'simulated deadlock' using errcode = '40P01'; end if;
        return new; end $$`),
    );
    await t.handle.db.execute(sql.raw(`create trigger deadlock_once before insert on users for each row execute function deadlock_once()`));
    const res = await importCsv(csv('A,a@example.com,a1,Member,', 'B,b@example.com,b1,,'));
    expect(res.statusCode).toBe(200);
    expect(res.json().summary).toEqual({ created: 2, skipped: 0, failed: 0, total: 2 });
    const events = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.created'));
    expect(events.filter((e) => ['a@example.com', 'b@example.com'].includes((e.details as { email: string }).email))).toHaveLength(2);
  });

  it('refuses a file announced as larger than 64 MiB before reading it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users/import',
      headers: { ...asBrowser(adminCookie), 'content-type': 'text/csv', 'content-length': String(65 * 1024 * 1024) },
      payload: Readable.from([csv('A,a@example.com,a1,,')]),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('file_too_large');
    expect(await userByEmail('a@example.com')).toBeUndefined();
  });

  it('imports the rows before a malformed line and reports where reading stopped', async () => {
    const res = await importCsv(csv('A,a@example.com,a1,,', 'B,"b@example.com"x,b1,,', 'C,c@example.com,c1,,'));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.summary).toEqual({ created: 1, skipped: 0, failed: 0, total: 1 });
    expect(body.error).toMatchObject({ code: 'csv_malformed', details: { row: 3 } });
    expect(await userByEmail('a@example.com')).toBeDefined();
    expect(await userByEmail('c@example.com')).toBeUndefined();
  });
});

describe('who may import', () => {
  it('needs users.create', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const res = await importCsv(csv('A,a@example.com,a1,,'), { cookie: await signIn(t.app, viewer.email) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    expect(await userByEmail('a@example.com')).toBeUndefined();
    const anonymous = await importCsv(csv('A,a@example.com,a1,,'), { headers: { origin: TEST_ORIGIN } });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses external users even when they hold users.create', async () => {
    const outsider = await seedUser(t.handle, { roles: ['admin'], profile: 'external' });
    const res = await importCsv(csv('A,a@example.com,a1,,'), { cookie: await signIn(t.app, outsider.email) });
    expect(res.statusCode).toBe(403);
  });

  it('works with an API token and refuses a body that is not CSV', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/admin/api-tokens', headers: asBrowser(adminCookie), payload: { name: 'import' } });
    const bearer = { authorization: `Bearer ${created.json().token}` };
    const res = await importCsv(csv('A,a@example.com,a1,,'), { headers: bearer });
    expect(res.json().summary.created).toBe(1);
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'users.imported'));
    expect(event).toMatchObject({ actorType: 'api_token', actorId: created.json().id });
    const json = await t.app.inject({ method: 'POST', url: '/api/v1/admin/users/import', headers: bearer, payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('unsupported_media_type');
  });
});
