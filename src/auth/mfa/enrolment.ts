import { and, count, eq, ne } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { isoDate, isoOrNull } from '../../platform/http.js';
import type { Actor } from '../../accounts/index.js';
import { verifyPassword } from '../passwords/hashing.js';
import { startSignedInSession, type SignInResult } from '../sessions/complete-sign-in.js';
import { sessions } from '../sessions/schema.js';
import { markSessionReauthenticated } from '../sessions/service.js';
import { guardAttempt, recordFailedAttempt, recordSuccessfulAttempt, type Attempt } from '../throttling/service.js';
import { failedCode, throttleKey } from './challenge.js';
import { confirmEnrolment, confirmedMethodsOf, consumeTotpCode, maskPhone, removeMethod } from './methods.js';
import { passwordHashOf } from './people.js';
import { pendingExpired, takePendingSignIn, type PendingSignIn } from './pending.js';
import { remainingRecoveryCodes } from './recovery-codes.js';
import type { MfaMethod } from './schema.js';
import { readMfaSettings } from './settings.js';

/** Who is changing second factors, once the route has decided they may. */
export interface Enrollee {
  user: { id: string; name: string; email: string };
  /** A signed-in session, or a sign-in that may only finish once a first second factor is set up. */
  via: { kind: 'session'; sessionId: string | null } | { kind: 'pending'; pending: PendingSignIn };
}

/** Sessions of this person other than the current one, which the console offers to end after a change. */
export async function otherSessionCount(db: Database, userId: string, currentSessionId: string | null): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(sessions)
    .where(currentSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, currentSessionId)) : eq(sessions.userId, userId));
  return row?.n ?? 0;
}

/** Your second factors (an SMS phone masked), recovery codes left, and what this instance allows and requires. */
export async function secondFactorsOf(db: Database, who: Enrollee) {
  const settings = await readMfaSettings(db);
  const methods = await confirmedMethodsOf(db, who.user.id);
  return {
    methods: methods.map((m) => ({
      kind: m.kind,
      phone: m.phone ? maskPhone(m.phone) : null,
      confirmedAt: isoDate(m.confirmedAt!),
      lastUsedAt: isoOrNull(m.lastUsedAt),
    })),
    recoveryCodesRemaining: await remainingRecoveryCodes(db, who.user.id),
    allowedMethods: settings.allowedMethods,
    required: settings.required,
    enrolmentRequired: who.via.kind === 'pending',
  };
}

export interface ConfirmedSecondFactor {
  recoveryCodes: string[] | null;
  /** Set when the confirmation also finished a sign-in that waited for a first second factor. */
  session: SignInResult | null;
  otherSessionCount: number;
}

/**
 * Finishes setting up a second factor with a code from it. For a sign-in that waited for one, the same transaction
 * ends the pending sign-in and starts the session. A wrong code counts against the method's throttle.
 */
export async function confirmSecondFactor(
  db: Database,
  config: Config,
  context: AuditContext,
  input: { who: Enrollee; kind: MfaMethod; code: string },
): Promise<ConfirmedSecondFactor> {
  const { who, kind, code } = input;
  const attempt = throttleKey(who.user.id, kind, context);
  await guardAttempt(db, attempt);
  let outcome: { recoveryCodes: string[] | null; session: SignInResult | null };
  try {
    outcome = await db.transaction(async (tx) => {
      const confirmed = await confirmEnrolment(tx, config, context, { userId: who.user.id, kind, code });
      if (who.via.kind !== 'pending') return { recoveryCodes: confirmed.recoveryCodes, session: null };
      if (!(await takePendingSignIn(tx, who.via.pending.id, context.now))) throw pendingExpired();
      const session = await startSignedInSession(tx, context, who.user.id, { method: who.via.pending.firstFactor, secondFactor: kind });
      return { recoveryCodes: confirmed.recoveryCodes, session };
    });
  } catch (error) {
    if (error instanceof FoyerError && error.code === 'invalid_mfa_code') await failedCode(db, context, attempt, who.user.id, kind, 'enrol');
    throw error;
  }
  await recordSuccessfulAttempt(db, attempt);
  if (outcome.session?.kind === 'signed_in') return { ...outcome, otherSessionCount: 0 };
  const sessionId = who.via.kind === 'session' ? who.via.sessionId : null;
  return { ...outcome, otherSessionCount: await otherSessionCount(db, who.user.id, sessionId) };
}

/** Removes one of your second factors (never the last where two-factor is required). */
export async function removeSecondFactor(
  db: Database,
  context: AuditContext,
  actor: Actor,
  kind: MfaMethod,
): Promise<{ otherSessionCount: number }> {
  await db.transaction((tx) => removeMethod(tx, context, { userId: actor.user.id, kind }));
  return { otherSessionCount: await otherSessionCount(db, actor.user.id, actor.sessionId) };
}

export type Proof = { password: string } | { method: 'totp'; code: string };

/**
 * Proves it is still you, with your password or an authenticator code, so this session may change sign-in methods
 * for the next ten minutes. Guesses count against their own throttle.
 */
export async function reauthenticate(
  db: Database,
  config: Config,
  context: AuditContext,
  actor: Actor & { sessionId: string },
  proof: Proof,
): Promise<{ authenticatedAt: string }> {
  const { now } = context;
  const userId = actor.user.id;
  const method = 'password' in proof ? 'password' : 'totp';
  const attempt: Attempt = { accountKey: userId, ip: context.ip, method: `reauthenticate_${method}`, now };
  await guardAttempt(db, attempt);
  let ok: boolean;
  if ('password' in proof) {
    ok = await verifyPassword(await passwordHashOf(db, userId), proof.password);
  } else {
    ok = await consumeTotpCode(db, config, { userId, code: proof.code, now });
  }
  if (!ok) {
    await recordFailedAttempt(db, context, { ...attempt, userId });
    await recordAudit(db, context, { action: 'auth.reauthentication.failed', targetType: 'user', targetId: userId, details: { method } });
    throw method === 'password'
      ? new FoyerError(401, 'invalid_credentials', 'The password is not correct.')
      : new FoyerError(401, 'invalid_mfa_code', 'That code is not correct or has expired.');
  }
  await recordSuccessfulAttempt(db, attempt);
  await db.transaction(async (tx) => {
    await markSessionReauthenticated(tx, actor.sessionId, now);
    await recordAudit(tx, context, { action: 'auth.reauthenticated', targetType: 'user', targetId: userId, details: { method } });
  });
  return { authenticatedAt: isoDate(now) };
}
