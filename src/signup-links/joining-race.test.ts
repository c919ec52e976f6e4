import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemContext } from '../audit/index.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { finishJoin } from './joining.js';
import { signupLinks } from './schema.js';

describe.runIf(process.env.TEST_DATABASE_URL)('the last use of a sign-up link under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  /** Resolves once some other connection is waiting for a row lock. */
  async function someoneWaitsForALock() {
    for (;;) {
      const rows = await t.handle.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if ((rows as unknown as { rows: { n: number }[] }).rows[0]!.n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('two people racing for the last use cannot both finish (PostgreSQL)', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const cookie = await signIn(t.app, admin.email);
    const link = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/signup-links',
        headers: asBrowser(cookie),
        payload: { expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 1 },
      })
    ).json();
    const start = async (n: string) => {
      const reply = await t.app.inject({
        method: 'POST',
        url: `/api/v1/signup-links/${link.token}/redeem`,
        headers: { origin: TEST_ORIGIN },
        payload: { name: n, email: `${n}@example.com`, username: n },
      });
      expect(reply.statusCode).toBe(201);
      return reply.json().user.id as string;
    };
    const [first, second] = [await start('first'), await start('second')];

    // The first finish has counted its use but not committed when the second arrives; the second must wait for that
    // row and then find no use left, rather than read the count from before.
    let commit!: () => void;
    const released = new Promise<void>((resolve) => (commit = resolve));
    let counted!: () => void;
    const hasCounted = new Promise<void>((resolve) => (counted = resolve));
    const winner = t.handle.db.transaction(async (tx) => {
      await finishJoin(tx, systemContext(new Date()), t.config, first);
      counted();
      await released;
    });
    await hasCounted;
    const loser = t.handle.db.transaction((tx) => finishJoin(tx, systemContext(new Date()), t.config, second));
    const outcome = loser.then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    await someoneWaitsForALock();
    commit();
    await winner;
    expect(await outcome).toBe('signup_link_used_up');
    const [row] = await t.handle.db.select().from(signupLinks).where(eq(signupLinks.id, link.id));
    expect(row!.uses).toBe(1);
  });
});
