import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import { preparedQuery, type Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { signInThrottles } from './schema.js';

/** NIST SP 800-63B-4 §3.2.2: no more than 100 consecutive failed attempts on one account before it locks. */
export const ACCOUNT_FAILURE_LIMIT = 100;
/** Failures allowed without any delay: a person mistyping a few times never waits. */
export const FREE_FAILURES = { account: 5, ip: 20 } as const;
/** Delays double from one second and stop growing here, so a locked-out person is never kept waiting for long. */
export const MAX_DELAY_SECONDS = 300;
/** An address's failures are forgotten after this long without an attempt: addresses change hands, accounts do not. */
export const IP_MEMORY_MS = 60 * 60_000;

export interface Attempt {
  /**
   * Who is being signed in to: the user id once the identifier resolves to an account (so every name of it shares one
   * counter and one lock), else the normalised identifier typed.
   */
  accountKey: string;
  ip: string | null;
  /** The sign-in method (`password`, `totp`, …): each method has its own counters and its own lock. */
  method: string;
  now: Date;
}

type Scope = 'account' | 'ip';

export const tooManyAttempts = (retryAfterSeconds: number) =>
  new FoyerError(429, 'too_many_attempts', `Too many failed attempts. Wait ${retryAfterSeconds} seconds and try again.`, {
    headers: { 'retry-after': String(retryAfterSeconds) },
    details: { retryAfterSeconds },
  });

export const signInLocked = () =>
  new FoyerError(
    429,
    'sign_in_locked',
    'This way of signing in is locked after too many failed attempts. Reset your password or ask an administrator to unlock it.',
  );

const subjectOf = (scope: Scope, attempt: Attempt) => (scope === 'ip' ? (attempt.ip ?? 'unknown') : attempt.accountKey);

/**
 * Admits one attempt or refuses it with 429. The attempt is counted as a failure up front, in the same single upsert
 * that checks the delay and the lock, so concurrent guesses cannot slip through together; a success gives it back
 * (`recordSuccessfulAttempt`). Unknown accounts are keyed and counted exactly like known ones.
 */
export async function guardAttempt(db: Database, attempt: Attempt): Promise<void> {
  // The address first: a refused address must not use up the account's allowance.
  await claim(db, 'ip', attempt);
  await claim(db, 'account', attempt);
}

/**
 * One upsert per scope that counts the attempt and admits it unless the subject is delayed or locked, prepared once:
 * it runs twice on every sign-in, and planning it cost more than running it.
 */
const claimStatement = (scope: Scope) =>
  preparedQuery(`foyer_throttle_claim_${scope}`, (db, name) => {
    const t = signInThrottles;
    const now = sql.placeholder('now');
    const free = FREE_FAILURES[scope];
    const next =
      scope === 'ip'
        ? sql`case when ${t.lastAttemptAt} < ${sql.placeholder('forgetBefore')} then 1 else ${t.failures} + 1 end`
        : sql`${t.failures} + 1`;
    const blockedUntil = sql`case when ${next} >= ${free}
      then ${now}::timestamptz + make_interval(secs => least(power(2, ${next} - ${free}), ${MAX_DELAY_SECONDS}))
      end`;
    const admitted = and(
      sql`(${t.blockedUntil} is null or ${t.blockedUntil} <= ${now})`,
      scope === 'account' ? sql`${t.failures} < ${ACCOUNT_FAILURE_LIMIT}` : undefined,
    );
    return db
      .insert(t)
      .values({ scope, method: sql.placeholder('method'), subject: sql.placeholder('subject'), failures: 1, lastAttemptAt: now })
      .onConflictDoUpdate({
        target: [t.scope, t.method, t.subject],
        set: { failures: next, lastAttemptAt: sql`${now}`, blockedUntil },
        setWhere: admitted,
      })
      .returning({ failures: t.failures })
      .prepare(name);
  });
const claimIp = claimStatement('ip');
const claimAccount = claimStatement('account');

async function claim(db: Database, scope: Scope, attempt: Attempt): Promise<void> {
  const t = signInThrottles;
  const now = attempt.now;
  const subject = subjectOf(scope, attempt);
  const [row] = await (scope === 'ip' ? claimIp : claimAccount)(db).execute({
    now,
    method: attempt.method,
    subject,
    forgetBefore: new Date(now.getTime() - IP_MEMORY_MS),
  });
  if (row) return;

  const [current] = await db
    .select({ failures: t.failures, blockedUntil: t.blockedUntil })
    .from(t)
    .where(and(eq(t.scope, scope), eq(t.method, attempt.method), eq(t.subject, subject)));
  if (scope === 'account' && current && current.failures >= ACCOUNT_FAILURE_LIMIT) throw signInLocked();
  const waitMs = (current?.blockedUntil?.getTime() ?? now.getTime()) - now.getTime();
  throw tooManyAttempts(Math.max(1, Math.ceil(waitMs / 1000)));
}

/**
 * The attempt failed. `guardAttempt` already counted it; this records the lock when this failure was the last one
 * allowed (exactly once, whatever the concurrency). Callers audit the failure itself under their own action.
 */
export async function recordFailedAttempt(
  db: Database,
  context: AuditContext,
  attempt: Attempt & { userId?: string | null },
): Promise<{ locked: boolean }> {
  const t = signInThrottles;
  const [locked] = await db
    .update(t)
    .set({ lockedAt: attempt.now })
    .where(
      and(
        eq(t.scope, 'account'),
        eq(t.method, attempt.method),
        eq(t.subject, attempt.accountKey),
        sql`${t.failures} >= ${ACCOUNT_FAILURE_LIMIT}`,
        sql`${t.lockedAt} is null`,
      ),
    )
    .returning({ failures: t.failures });
  if (!locked) return { locked: false };
  await recordAudit(db, context, {
    action: 'auth.sign_in.locked',
    targetType: attempt.userId ? 'user' : undefined,
    targetId: attempt.userId ?? undefined,
    // Never the typed identifier: a lock on an unknown one names nobody.
    details: { method: attempt.method, failures: locked.failures },
  });
  return { locked: true };
}

/**
 * The attempt succeeded: the account's consecutive failures start again from zero, and the address gets back the
 * attempt `guardAttempt` counted (only its failures count, so an office behind one address is not slowed by its
 * own successful sign-ins).
 */
export async function recordSuccessfulAttempt(db: Database, attempt: Attempt): Promise<void> {
  const t = signInThrottles;
  await db
    .delete(t)
    .where(and(eq(t.scope, 'account'), eq(t.method, attempt.method), eq(t.subject, attempt.accountKey)));
  await db
    .update(t)
    .set({ failures: sql`greatest(${t.failures} - 1, 0)` })
    .where(and(eq(t.scope, 'ip'), eq(t.method, attempt.method), eq(t.subject, subjectOf('ip', attempt))));
}

/** Every name a person signs in with, as the throttle keys them. */
export const accountKeysOf = (user: { id: string; email: string; username: string }) => [
  ...new Set([user.email.trim().toLowerCase(), user.username.trim().toLowerCase(), user.id]),
];

/** The methods currently locked for this person, with when each locked. */
export async function signInLocksOf(
  db: Database,
  user: { id: string; email: string; username: string },
): Promise<{ method: string; lockedAt: Date | null }[]> {
  const t = signInThrottles;
  const rows = await db
    .select({ method: t.method, lockedAt: t.lockedAt, failures: t.failures })
    .from(t)
    .where(and(eq(t.scope, 'account'), inArray(t.subject, accountKeysOf(user)), sql`${t.failures} >= ${ACCOUNT_FAILURE_LIMIT}`));
  return rows.map((r) => ({ method: r.method, lockedAt: r.lockedAt }));
}

/**
 * Clears every counter and lock on this person's sign-in names, for all methods: an administrator vouched for them,
 * or they proved control of their email with a reset link. Returns the methods that were locked.
 */
export async function clearAccountThrottles(db: Database, user: { id: string; email: string; username: string }): Promise<string[]> {
  const t = signInThrottles;
  const removed = await db
    .delete(t)
    .where(and(eq(t.scope, 'account'), inArray(t.subject, accountKeysOf(user))))
    .returning({ method: t.method, failures: t.failures });
  return [...new Set(removed.filter((r) => r.failures >= ACCOUNT_FAILURE_LIMIT).map((r) => r.method))].sort();
}

/** Counters that no longer slow anyone down. Accounts past the free failures stay: their count leads to the lock. */
export const STALE_THROTTLE_MS = 24 * 60 * 60_000;

/**
 * Housekeeping: forgets addresses idle longer than IP_MEMORY_MS and accounts idle for a day with fewer failures than
 * the free ones (they cause no delay, so forgetting them changes nothing anyone would notice).
 */
export async function pruneSignInThrottles(db: Database, now: Date): Promise<void> {
  const t = signInThrottles;
  await db
    .delete(t)
    .where(
      sql`(${t.scope} = 'ip' and ${t.lastAttemptAt} < ${new Date(now.getTime() - IP_MEMORY_MS)})
        or (${t.scope} = 'account' and ${t.failures} < ${FREE_FAILURES.account} and ${t.lastAttemptAt} < ${new Date(now.getTime() - STALE_THROTTLE_MS)})`,
    );
}
