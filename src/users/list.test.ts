import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { builtinRoleId, groupMembers, users } from '../accounts/index.js';
import { seedGroup } from './testing.js';
import { ssoIdentities, ssoProviders, ssoSwitchedAccounts } from '../sso/schema.js';
import { passkeys } from '../auth/passkeys/schema.js';
import { adminUserColumns, AUTH_METHODS, authMethodOf } from './views.js';

let t: TestApp;
let cookie: string;
let statements: string[] = [];
beforeEach(async () => {
  statements = [];
  t = await createTestApp({}, { onQuery: (statement) => statements.push(statement) });
  const admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin', email: 'ada@example.com', username: 'ada' });
  cookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

interface Item {
  id: string;
  name: string;
  email: string;
  status: string;
  authMethod: string;
  lastLoginAt: string | null;
  createdAt: string;
  roles: { name: string }[];
  groups: { name: string }[];
}

async function page(params: Record<string, string>): Promise<{ items: Item[]; nextCursor: string | null }> {
  const res = await t.app.inject({ url: `/api/v1/admin/users?${new URLSearchParams(params)}`, headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Every item of a list, walked page by page through the cursors. */
async function walk(params: Record<string, string>, limit = 2): Promise<Item[]> {
  const all: Item[] = [];
  let cursor: string | null = null;
  do {
    const p = await page({ ...params, limit: String(limit), ...(cursor ? { cursor } : {}) });
    expect(p.items.length).toBeLessThanOrEqual(limit);
    all.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  return all;
}

const names = (items: Item[]) => items.map((u) => u.name);

const seedQuietly = (input: Parameters<typeof seedUser>[1] = {}) => seedUser(t.handle, { password: undefined, ...input });

describe('filters', () => {
  it('filters by status, role, group and auth method, alone and together with search', async () => {
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const bo = await seedUser(t.handle, { name: 'Bo Viewer', roles: ['viewer'] });
    const cy = await seedQuietly({ name: 'Cy Pending', roles: ['viewer'] });
    const di = await seedUser(t.handle, { name: 'Di Disabled' });
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, di.id));
    const team = await seedGroup(t.handle, 'Team', [], [bo.id, di.id]);

    expect(names((await page({ status: 'disabled' })).items)).toEqual(['Di Disabled']);
    expect(names((await page({ role: viewer })).items)).toEqual(['Bo Viewer', 'Cy Pending']);
    expect(names((await page({ group: team.id })).items)).toEqual(['Bo Viewer', 'Di Disabled']);
    expect(names((await page({ authMethod: 'pending_setup' })).items)).toEqual(['Cy Pending']);
    expect(names((await page({ authMethod: 'sso' })).items)).toEqual([]);
    expect(names((await page({ role: viewer, group: team.id, authMethod: 'local', status: 'active' })).items)).toEqual(['Bo Viewer']);
    expect(names((await page({ q: 'di', group: team.id })).items)).toEqual(['Di Disabled']);
    expect((await page({ group: team.id })).items[0]!.groups).toEqual([{ id: team.id, name: 'Team' }]);
    expect(cy).toBeDefined();
  });

  it('labels and filters auth methods by the same rule', async () => {
    await seedQuietly({ name: 'No Password' });
    await seedUser(t.handle, { name: 'Has Password' });
    const linked = await seedUser(t.handle, { name: 'Linked With Password' });
    const switched = await seedQuietly({ name: 'Switched To SSO' });
    const now = new Date();
    const [provider] = await t.handle.db
      .insert(ssoProviders)
      .values({ name: 'Corp', issuer: 'https://id.example.com', clientId: 'foyer', scopes: ['openid'], createdAt: now, updatedAt: now })
      .returning();
    await t.handle.db.insert(ssoIdentities).values({ providerId: provider!.id, subject: 'sub-1', userId: linked.id, linkedAt: now });
    await t.handle.db.insert(ssoSwitchedAccounts).values({ userId: switched.id, switchedAt: now });
    const passkeyOnly = await seedQuietly({ name: 'Passkey Only' });
    await t.handle.db.insert(passkeys).values({
      userId: passkeyOnly.id,
      credentialId: 'credential-1',
      publicKey: 'key',
      backedUp: false,
      deviceType: 'singleDevice',
      name: 'Laptop',
      createdAt: now,
    });
    const everyone = await walk({}, 50);
    expect(everyone.find((u) => u.id === passkeyOnly.id)?.authMethod).toBe('local');
    for (const method of AUTH_METHODS) {
      const filtered = await walk({ authMethod: method }, 50);
      expect(filtered.map((u) => u.id).sort()).toEqual(everyone.filter((u) => u.authMethod === method).map((u) => u.id).sort());
    }
    expect(new Set(everyone.map((u) => u.authMethod))).toEqual(new Set(AUTH_METHODS));
    const rows = await t.handle.db.select(adminUserColumns).from(users);
    expect(everyone.map((u) => u.authMethod).sort()).toEqual(rows.map((r) => authMethodOf(r)).sort());
  });

  it('rejects malformed filters with field errors', async () => {
    for (const [field, value] of [['role', 'nope'], ['status', 'gone'], ['sort', 'password'], ['authMethod', 'magic']]) {
      const res = await t.app.inject({ url: `/api/v1/admin/users?${field}=${value}`, headers: { cookie } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.fields).toHaveProperty(field!);
    }
  });

  it('never lists deleted users', async () => {
    const gone = await seedQuietly({ name: 'Gone Soon' });
    await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/users/${gone.id}`, headers: asBrowser(cookie) });
    expect(names(await walk({}, 50))).toEqual(['Ada Admin']);
    expect(names(await walk({ q: 'deleted' }, 50))).toEqual([]);
  });
});

describe('sorting and cursors', () => {
  it('pages through every sort in both directions without gaps or repeats', async () => {
    // Same-looking keys (case, equal timestamps) make the id tie-break matter.
    const specs = [
      { name: 'bea', at: '2024-05-01T10:00:00.000Z' },
      { name: 'Bea', at: '2024-05-01T10:00:00.000Z' },
      { name: 'ALF', at: null },
      { name: 'cat', at: '2023-01-01T00:00:00.000Z' },
      { name: 'Dan', at: null },
      { name: 'eve', at: '2025-02-02T02:02:02.000Z' },
    ];
    for (const spec of specs) {
      const u = await seedQuietly({ name: spec.name, email: `${spec.name}${Math.random().toString(36).slice(2, 6)}@example.com` });
      await t.handle.db.update(users).set({ lastLoginAt: spec.at ? new Date(spec.at) : null }).where(eq(users.id, u.id));
    }
    await t.handle.db.update(users).set({ lastLoginAt: null }).where(eq(users.username, 'ada'));
    const all = await walk({}, 50);
    expect(all).toHaveLength(7);

    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const expected: Record<string, (a: Item, b: Item) => number> = {
      name: (a, b) => cmp(a.name.toLowerCase(), b.name.toLowerCase()) || cmp(a.id, b.id),
      email: (a, b) => cmp(a.email.toLowerCase(), b.email.toLowerCase()),
      createdAt: (a, b) => cmp(a.createdAt, b.createdAt) || cmp(a.id, b.id),
      // Never signed in counts as the longest ago.
      lastLoginAt: (a, b) =>
        (a.lastLoginAt === null ? 0 : 1) - (b.lastLoginAt === null ? 0 : 1) || cmp(a.lastLoginAt ?? '', b.lastLoginAt ?? '') || cmp(a.id, b.id),
    };
    for (const [sort, compare] of Object.entries(expected)) {
      const ascending = [...all].sort(compare).map((u) => u.id);
      for (const limit of [1, 2, 3]) {
        expect((await walk({ sort, order: 'asc' }, limit)).map((u) => u.id), `${sort} asc by ${limit}`).toEqual(ascending);
        expect((await walk({ sort, order: 'desc' }, limit)).map((u) => u.id), `${sort} desc by ${limit}`).toEqual([...ascending].reverse());
      }
    }
    expect(names(await walk({ sort: 'lastLoginAt', order: 'desc' }, 50)).slice(0, 2)).toEqual(['eve', expect.stringMatching(/^bea$/i)]);
  });

  it('keeps filters while paging and refuses a cursor from another ordering', async () => {
    for (const name of ['Ann One', 'Ann Two', 'Ann Three', 'Bob']) await seedQuietly({ name });
    expect(names(await walk({ q: 'ann', sort: 'name' }, 1))).toEqual(['Ann One', 'Ann Three', 'Ann Two']);
    const first = await page({ sort: 'name', limit: '1' });
    for (const other of [{ sort: 'email' }, { sort: 'name', order: 'desc' }] as Record<string, string>[]) {
      const res = await t.app.inject({ url: `/api/v1/admin/users?${new URLSearchParams({ ...other, cursor: first.nextCursor! })}`, headers: { cookie } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_cursor');
    }
    const garbage = await t.app.inject({ url: '/api/v1/admin/users?cursor=bm9wZQ', headers: { cookie } });
    expect(garbage.json().error.code).toBe('invalid_cursor');
  });
});

describe('cost per page', () => {
  const listings: Record<string, string>[] = [
    {},
    { q: 'user' },
    { q: 'user', status: 'active', authMethod: 'pending_setup', sort: 'name', order: 'desc' },
    { sort: 'lastLoginAt', order: 'desc' },
    { sort: 'email' },
  ];

  async function statementsFor(params: Record<string, string>, group: string, role: string): Promise<string[]> {
    statements = [];
    const items = (await page({ ...params, role, group, limit: '100' })).items;
    expect(items.length).toBeGreaterThan(0);
    return statements;
  }

  it('is the same number of queries for 5 and for 50 users, whatever the filters, search and sort', async () => {
    const member = await builtinRoleId(t.handle.db, 'member');
    const group = await seedGroup(t.handle, 'Everyone');
    const grow = async (count: number) => {
      const added = [];
      for (let i = 0; i < count; i += 1) added.push(await seedQuietly({ roles: ['member'] }));
      await t.handle.db.insert(groupMembers).values(added.map((u) => ({ groupId: group.id, userId: u.id, addedAt: new Date() })));
      await t.handle.db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, added[0]!.id));
    };
    const countAll = async () => {
      const counts = [];
      for (const params of listings) counts.push((await statementsFor(params, group.id, member)).length);
      return counts;
    };

    await grow(5);
    const small = await countAll();
    await grow(45);
    const large = await countAll();
    expect(large).toEqual(small);
    // The session, the page, its roles and its groups.
    for (const count of small) expect(count).toBeLessThanOrEqual(4);
  });

  it('searches through the indexed expression so the trigram index can answer', async () => {
    await seedQuietly({ name: 'Findable Person' });
    statements = [];
    expect(names((await page({ q: 'FINDABLE' })).items)).toEqual(['Findable Person']);
    const listQuery = statements.find((s) => s.includes(' like '))!;
    expect(listQuery).toMatch(/lower\(("users"\.)?"name" \|\| ' ' \|\| ("users"\.)?"email" \|\| ' ' \|\| ("users"\.)?"username"\) like '%' \|\| lower\(\$\d+\) \|\| '%'/);
    expect(statements.join('\n')).not.toMatch(/count\(/i);
  });

  it('keeps a fine histogram of the search text, so a rare name is searched through the trigram index', async () => {
    // Both drivers answer `{ rows }`; drizzle types the result loosely across them.
    const { rows } = (await t.handle.db.execute(
      sql`select attstattarget as target from pg_attribute where attrelid = 'users_search_trgm_idx'::regclass and attnum = 1`,
    )) as unknown as { rows: { target: number }[] };
    expect(Number(rows[0]!.target)).toBeGreaterThanOrEqual(1000);
  });
});
