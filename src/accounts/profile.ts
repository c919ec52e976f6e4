import { eq } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import { users } from './schema.js';

/** Changes the name an account goes by; the caller checks who may and records why. */
export async function renameAccount(db: Database, userId: string, name: string, now: Date): Promise<void> {
  await db.update(users).set({ name, updatedAt: now }).where(eq(users.id, userId));
}
