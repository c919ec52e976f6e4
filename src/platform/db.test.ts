import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceSettings } from '../settings/schema.js';
import { preparedQuery, type DatabaseHandle } from './db.js';
import { createTestDatabase } from '../../test/support.js';

describe('preparedQuery', () => {
  let first: DatabaseHandle;
  let second: DatabaseHandle;
  beforeAll(async () => {
    [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  it('builds the query once per database and runs it with new values each time', async () => {
    let builds = 0;
    const settingOf = preparedQuery('foyer_test_setting_of', (db, name) => {
      builds += 1;
      return db
        .select({ value: instanceSettings.value })
        .from(instanceSettings)
        .where(eq(instanceSettings.key, sql.placeholder('key')))
        .prepare(name);
    });
    const now = new Date();
    await first.db.insert(instanceSettings).values([
      { key: 'test.a', value: { n: 1 }, updatedAt: now },
      { key: 'test.b', value: { n: 2 }, updatedAt: now },
    ]);

    expect(await settingOf(first.db).execute({ key: 'test.a' })).toEqual([{ value: { n: 1 } }]);
    expect(await settingOf(first.db).execute({ key: 'test.b' })).toEqual([{ value: { n: 2 } }]);
    expect(await settingOf(first.db).execute({ key: 'test.none' })).toEqual([]);
    expect(builds).toBe(1);

    // Another database (another test file, another pool) gets its own statement bound to its own connections.
    expect(await settingOf(second.db).execute({ key: 'test.a' })).toEqual([]);
    expect(builds).toBe(2);
  });

  it('runs inside a transaction on the transaction’s own connection', async () => {
    const countOf = preparedQuery('foyer_test_count_settings', (db, name) =>
      db.select({ n: sql<number>`count(*)::int` }).from(instanceSettings).where(eq(instanceSettings.key, sql.placeholder('key'))).prepare(name),
    );
    let insideTransaction: unknown;
    await first.db
      .transaction(async (tx) => {
        await tx.insert(instanceSettings).values({ key: 'test.tx', value: {}, updatedAt: new Date() });
        [insideTransaction] = await countOf(tx).execute({ key: 'test.tx' });
        tx.rollback();
      })
      .catch(() => undefined);
    // Only the transaction's own connection can see its uncommitted row.
    expect(insideTransaction).toEqual({ n: 1 });
    const [after] = await countOf(first.db).execute({ key: 'test.tx' });
    expect(after).toEqual({ n: 0 });
  });
});
