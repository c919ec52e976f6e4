import { sql } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';

// Every change that can remove an administrator takes this lock first, so two concurrent demotions are serialised
// and the second one sees the first one's result.
const ADMIN_CHANGE_LOCK_ID = 7_246_003;

/**
 * Whether some active, undeleted user holds the built-in Admin role, directly or through a group.
 */
export async function activeAdminExists(db: Database): Promise<boolean> {
  const result = await db.execute(sql`
    select exists (
      select 1 from users u
      join (
        select ur.user_id, ur.role_id from user_roles ur
        union all
        select gm.user_id, gr.role_id from group_members gm join group_roles gr on gr.group_id = gm.group_id
      ) held on held.user_id = u.id
      join roles r on r.id = held.role_id and r.builtin_key = 'admin'
      where u.status = 'active' and u.deleted_at is null
    ) as found`);
  return Boolean(rowsOf<{ found: boolean }>(result)[0]?.found);
}

/** node-postgres and PGlite both return `{ rows }` from execute; drizzle types it loosely across drivers. */
const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/**
 * Runs a change that might remove the last administrator (disable, revoke, delete, role or group change) and
 * undoes it with 409 `last_admin` if no active administrator would remain. Atomic across instances.
 */
export async function withAdminGuard<T>(db: Database, change: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK_ID})`);
    const result = await change(tx);
    if (!(await activeAdminExists(tx))) {
      throw new FoyerError(409, 'last_admin', 'This would leave the instance without an active administrator.');
    }
    return result;
  });
}
