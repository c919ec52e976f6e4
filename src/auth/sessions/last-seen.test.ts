import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestApp, createTestDatabase, seedUser, signIn, type TestApp } from '../../../test/support.js';
import type { DatabaseHandle } from '../../platform/db.js';
import { lastSeenBatch } from './last-seen.js';
import { sessions } from './schema.js';
import { createSession, SESSION_IDLE_MS } from './service.js';

const MINUTE = 60_000;

const sessionRow = async (handle: DatabaseHandle, id: string) => (await handle.db.select().from(sessions).where(eq(sessions.id, id)))[0];

describe('last seen, through the session check', () => {
  const statements: string[] = [];
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, { onQuery: (sql) => statements.push(sql) });
  });
  // test/setup-file.ts puts the real clock back after each test.
  afterEach(() => t.close());

  /** Someone signed in at `start` on a faked clock, with their session id and a `GET /me` answering its status. */
  async function signedInAt(start: number) {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    const user = await seedUser(t.handle);
    const cookie = await signIn(t.app, user.email);
    const id = cookie.split('=')[1]!.split('.')[0]!;
    const me = () => t.app.inject({ url: '/api/v1/me', headers: { cookie } }).then((r) => r.statusCode);
    return { id, me };
  }

  it('notes a use at most once a minute, in no statement of the request, and writes it by the time the app closes', async () => {
    const start = new Date('2026-03-01T00:00:00Z').getTime();
    const { id, me } = await signedInAt(start);

    vi.setSystemTime(start + 2 * MINUTE);
    statements.length = 0;
    expect(await me()).toBe(200);
    // The request that noticed the minute had passed ran only the session check itself.
    expect(statements.filter((s) => /^\s*update/i.test(s))).toEqual([]);
    vi.setSystemTime(start + 2 * MINUTE + 30_000);
    expect(await me()).toBe(200);

    await t.app.close();
    const row = await sessionRow(t.handle, id);
    expect(row!.lastSeenAt.getTime()).toBe(start + 2 * MINUTE);
    expect(row!.idleExpiresAt.getTime()).toBe(start + 2 * MINUTE + SESSION_IDLE_MS);
  });

  it('counts a use noted and not yet written against the idle limit', async () => {
    const start = new Date('2026-03-01T00:00:00Z').getTime();
    const { me } = await signedInAt(start);
    vi.setSystemTime(start + SESSION_IDLE_MS - MINUTE);
    expect(await me()).toBe(200);
    vi.setSystemTime(start + SESSION_IDLE_MS + MINUTE);
    expect(await me()).toBe(200);
  });
});

describe('the batch', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await createTestDatabase();
  });
  afterEach(() => handle.close());

  it('writes every noted session in one go, never moves a time backwards and leaves an ended session ended', async () => {
    const user = await seedUser(handle);
    const now = new Date('2026-03-01T00:00:00Z');
    const client = { ip: null, userAgent: null };
    const [a, b, ended] = await Promise.all([0, 1, 2].map(() => createSession(handle.db, user.id, client, now).then((token) => token.split('.')[0]!)));
    const later = new Date(now.getTime() + 5 * MINUTE);
    const errors: unknown[] = [];
    const batch = lastSeenBatch(handle.db, (error) => errors.push(error));
    batch.note(a!, { at: later, idleExpiresAt: new Date(later.getTime() + SESSION_IDLE_MS) });
    batch.note(b!, { at: new Date(now.getTime() - MINUTE), idleExpiresAt: new Date(now.getTime()) });
    batch.note(ended!, { at: later, idleExpiresAt: new Date(later.getTime() + SESSION_IDLE_MS) });
    expect(batch.noted(a!)?.at).toEqual(later);
    await handle.db.delete(sessions).where(eq(sessions.id, ended!));
    await batch.flush();

    expect(errors).toEqual([]);
    expect(await sessionRow(handle, a!)).toMatchObject({ lastSeenAt: later, idleExpiresAt: new Date(later.getTime() + SESSION_IDLE_MS) });
    expect(await sessionRow(handle, b!)).toMatchObject({ lastSeenAt: now, idleExpiresAt: new Date(now.getTime() + SESSION_IDLE_MS) });
    expect(await sessionRow(handle, ended!)).toBeUndefined();
  });
});
