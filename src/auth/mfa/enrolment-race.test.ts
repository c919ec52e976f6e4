import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, seedUser, someoneWaitsForALock, uncommitted, type TestApp } from '../../../test/support.js';
import { startTotpEnrolment } from './methods.js';
import { mfaMethods } from './schema.js';

const SECRET_KEY = Buffer.alloc(32, 9).toString('base64');

describe.runIf(process.env.TEST_DATABASE_URL)('MFA enrolment under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ FOYER_SECRET_KEY: SECRET_KEY });
  });
  afterEach(() => t.close());

  it('a restart that races with the confirmation never replaces the secret that was just confirmed (PostgreSQL)', async () => {
    const user = await seedUser(t.handle);
    await startTotpEnrolment(t.handle.db, t.config, user, new Date());
    const method = and(eq(mfaMethods.userId, user.id), eq(mfaMethods.kind, 'totp'));
    const [pending] = await t.handle.db.select().from(mfaMethods).where(method);

    // The confirmation has written its row but not committed when the restart arrives, which has already read the
    // method as unconfirmed and so must be stopped by its own write.
    const confirmation = uncommitted(t.handle.db, (tx) => tx.update(mfaMethods).set({ confirmedAt: new Date() }).where(method));
    await confirmation.done;
    const restart = startTotpEnrolment(t.handle.db, t.config, user, new Date()).then(
      () => 'restarted',
      (error: { code?: string }) => error.code,
    );
    await someoneWaitsForALock(t.handle);
    confirmation.commit();
    await confirmation.committed;

    expect(await restart).toBe('mfa_method_exists');
    const [after] = await t.handle.db.select().from(mfaMethods).where(method);
    expect(after!.confirmedAt).not.toBeNull();
    expect(after!.secretSealed).toBe(pending!.secretSealed);
  });
});
