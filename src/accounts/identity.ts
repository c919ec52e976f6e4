import { and, ne, sql } from 'drizzle-orm';
import { isUniqueViolation, type Database } from '../platform/db.js';
import { fieldError } from '../platform/errors.js';
import { users } from './schema.js';

/** How an email is stored: as typed, without the spaces around it. Comparisons ignore case. */
export const normaliseEmail = (email: string) => email.trim();

const emailTaken = () => fieldError('email', 'email_taken', 'An account with this email already exists.');
const usernameTaken = () => fieldError('username', 'username_taken', 'This username is already taken.');

/** The clear field error for a unique violation on email or username, or the error itself when it is neither. */
export function identityClash(error: unknown): unknown {
  if (isUniqueViolation(error, 'users_email_lower_key')) return emailTaken();
  if (isUniqueViolation(error, 'users_username_lower_key')) return usernameTaken();
  return error;
}

/** Refuses an email or username another account already uses (regardless of case); `exceptUserId` is the editor's own. */
export async function assertIdentityFree(
  db: Database,
  identity: { email?: string; username?: string },
  exceptUserId?: string,
): Promise<void> {
  const email = identity.email === undefined ? undefined : normaliseEmail(identity.email);
  const username = identity.username?.trim();
  const matches = [
    email === undefined ? undefined : sql`lower(${users.email}) = lower(${email})`,
    username === undefined ? undefined : sql`lower(${users.username}) = lower(${username})`,
  ].filter((c) => c !== undefined);
  if (matches.length === 0) return;
  const clash = await db
    .select({ email: users.email, username: users.username })
    .from(users)
    .where(and(sql`(${sql.join(matches, sql` or `)})`, exceptUserId ? ne(users.id, exceptUserId) : undefined))
    .limit(2);
  if (email !== undefined && clash.some((u) => u.email.toLowerCase() === email.toLowerCase())) throw emailTaken();
  if (clash.length > 0) throw usernameTaken();
}
