import { count, eq } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { users } from '../accounts/index.js';

/** How many accounts are disabled: the administrator's home shows it beside the other things waiting for them. */
export async function countDisabledAccounts(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(eq(users.status, 'disabled'));
  return row?.n ?? 0;
}
