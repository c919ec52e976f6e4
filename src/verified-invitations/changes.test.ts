import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support.js';
import type { DatabaseHandle } from '../platform/db.js';
import { InvitationChanges, notifyChange } from './changes.js';

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

describe.runIf(process.env.TEST_DATABASE_URL)('Live updates of verified invitations (PostgreSQL)', () => {
  let handle: DatabaseHandle;
  beforeEach(async () => {
    handle = await createTestDatabase();
  });
  afterEach(() => handle.close());

  const listeners = async () =>
    rowsOf<{ pid: number }>(
      await handle.db.execute(sql`select pid from pg_stat_activity where datname = current_database() and query ilike 'listen %'`),
    ).map((r) => r.pid);

  it('log a lost LISTEN connection and listen again, so notifications keep arriving (PostgreSQL)', async () => {
    const warnings: string[] = [];
    const changes = new InvitationChanges(handle.db, { warn: (_details, message) => warnings.push(message) });
    const seen: string[] = [];
    const stop = changes.subscribe('11111111-1111-4111-8111-111111111111', () => seen.push('changed'));
    expect(await changes.ready()).toBe(true);
    const [first] = await listeners();
    expect(first).toBeDefined();

    await handle.db.execute(sql`select pg_terminate_backend(${first})`);
    for (;;) {
      const now = await listeners();
      if (now.length > 0 && !now.includes(first!)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(warnings.some((w) => w.includes('LISTEN'))).toBe(true);
    expect(await changes.ready()).toBe(true);

    await notifyChange(handle.db, '11111111-1111-4111-8111-111111111111');
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual(['changed']);
    stop();
    await changes.close();
  });
});
