import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedUser, type TestApp } from '../../../test/support.js';
import { startTotpEnrolment } from './methods.js';
import { mfaMethods } from './schema.js';

const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');

describe.runIf(process.env.TEST_DATABASE_URL)('MFA enrolment under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ FOYER_SECRET_KEY: SECRET_KEY });
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

  it('a restart that races with the confirmation never replaces the secret that was just confirmed (PostgreSQL)', async () => {
    const user = await seedUser(t.handle);
    await startTotpEnrolment(t.handle.db, t.config, user, new Date());
    const method = and(eq(mfaMethods.userId, user.id), eq(mfaMethods.kind, 'totp'));
    const [pending] = await t.handle.db.select().from(mfaMethods).where(method);

    // The confirmation has written its row but not committed when the restart arrives, which has already read the
    // method as unconfirmed and so must be stopped by its own write.
    let commit!: () => void;
    const released = new Promise<void>((resolve) => (commit = resolve));
    let confirmedWritten!: () => void;
    const written = new Promise<void>((resolve) => (confirmedWritten = resolve));
    const confirmation = t.handle.db.transaction(async (tx) => {
      await tx.update(mfaMethods).set({ confirmedAt: new Date() }).where(method);
      confirmedWritten();
      await released;
    });
    await written;
    const restart = startTotpEnrolment(t.handle.db, t.config, user, new Date()).then(
      () => 'restarted',
      (error: { code?: string }) => error.code,
    );
    await someoneWaitsForALock();
    commit();
    await confirmation;

    expect(await restart).toBe('mfa_method_exists');
    const [after] = await t.handle.db.select().from(mfaMethods).where(method);
    expect(after!.confirmedAt).not.toBeNull();
    expect(after!.secretSealed).toBe(pending!.secretSealed);
  });
});
