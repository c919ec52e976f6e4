import { count } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { apps } from './schema.js';

/** How many apps are registered: the administrator's setup checklist asks for the first one. */
export async function countApps(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(apps);
  return row?.n ?? 0;
}
