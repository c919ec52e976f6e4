import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemContext } from '../audit/index.js';
import {
  asBrowser,
  createTestApp,
  seedUser,
  signIn,
  someoneWaitsForALock,
  TEST_ORIGIN,
  uncommitted,
  type TestApp,
} from '../../test/support.js';
import { finishJoin } from './joining.js';
import { signupLinks } from './schema.js';

describe.runIf(process.env.TEST_DATABASE_URL)('the last use of a sign-up link under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

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
    const winner = uncommitted(t.handle.db, (tx) => finishJoin(tx, systemContext(new Date()), t.config, first));
    await winner.done;
    const loser = t.handle.db.transaction((tx) => finishJoin(tx, systemContext(new Date()), t.config, second));
    const outcome = loser.then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    await someoneWaitsForALock(t.handle);
    winner.commit();
    await winner.committed;
    expect(await outcome).toBe('signup_link_used_up');
    const [row] = await t.handle.db.select().from(signupLinks).where(eq(signupLinks.id, link.id));
    expect(row!.uses).toBe(1);
  });
});
