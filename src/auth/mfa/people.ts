import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/db.js';
import { users } from '../../accounts/index.js';
import { pendingExpired } from './pending.js';

/** Whose second factor it is: a pending sign-in names only the account, and mail needs the name and address. */
export async function personOf(db: Database, userId: string): Promise<{ id: string; name: string; email: string }> {
  const [user] = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
  if (!user) throw pendingExpired();
  return user;
}

export async function passwordHashOf(db: Database, userId: string): Promise<string | null> {
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  return row?.passwordHash ?? null;
}
