import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { startSignedInSession, type SignInResult } from '../sessions/complete-sign-in.js';
import { guardAttempt, recordFailedAttempt, recordSuccessfulAttempt, type Attempt } from '../throttling/service.js';
import { countCodeFailure } from './codes.js';
import { confirmedMethodsOf, consumeChannelCode, consumeTotpCode, sendCode, usableKinds } from './methods.js';
import { findPendingSignIn, moveToEnrolment, pendingExpired, secondFactorStep, takePendingSignIn, type PendingSignIn } from './pending.js';
import { personOf } from './people.js';
import { consumeRecoveryCode } from './recovery-codes.js';
import { MFA_METHODS } from './schema.js';
import { readMfaSettings } from './settings.js';
import type { SmsLog } from './sms.js';

export const SIGN_IN_METHODS = [...MFA_METHODS, 'recovery_code'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

const enrolmentRequired = () =>
  new FoyerError(403, 'mfa_enrolment_required', 'Set up a second factor to finish signing in.');

const methodUnavailable = () =>
  new FoyerError(400, 'mfa_method_unavailable', 'This second factor cannot complete this sign-in.', {
    details: { fields: { method: 'is not one of the methods offered for this sign-in' } },
  });

const wrongCode = () => new FoyerError(401, 'invalid_mfa_code', 'That code is not correct or has expired.');

/** Each second factor has its own throttle per person. */
export const throttleKey = (userId: string, method: string, context: AuditContext): Attempt => ({
  accountKey: userId,
  ip: context.ip,
  method: `mfa_${method}`,
  now: context.now,
});

/** A wrong code counts against the person's throttle for that method, and against an email/SMS code's guesses. */
export async function failedCode(
  db: Database,
  context: AuditContext,
  attempt: Attempt,
  userId: string,
  method: SignInMethod,
  purpose: 'sign_in' | 'enrol',
): Promise<void> {
  if (method === 'email' || method === 'sms') await countCodeFailure(db, { userId, channel: method, purpose });
  await recordFailedAttempt(db, context, { ...attempt, userId });
  await recordAudit(db, context, { action: 'auth.mfa.failed', targetType: 'user', targetId: userId, details: { method, purpose } });
}

/** The methods that may finish a pending sign-in; a recovery code alone when the person has none of their own yet. */
export async function offeredMethods(db: Database, pending: PendingSignIn): Promise<string[]> {
  const step = await secondFactorStep(db, pending.userId, pending.firstFactor);
  return step.kind === 'challenge' ? step.methods : ['recovery_code'];
}

/** What the sign-in page asks: which second factors finish the pending sign-in, or whether one must be set up first. */
export async function pendingSignInStep(
  db: Database,
  pendingToken: string | undefined,
  now: Date,
): Promise<{ methods: string[]; enrolmentRequired: boolean }> {
  const pending = await findPendingSignIn(db, pendingToken, now);
  if (!pending) throw pendingExpired();
  if (pending.stage === 'enrol') return { methods: [], enrolmentRequired: true };
  return { methods: await offeredMethods(db, pending), enrolmentRequired: false };
}

/** A sign-in stopped at "set up a second factor first" cannot be finished or sent a code: it finishes by enrolling. */
async function challengeable(db: Database, pendingToken: string | undefined, now: Date): Promise<PendingSignIn> {
  const pending = await findPendingSignIn(db, pendingToken, now);
  if (!pending) throw pendingExpired();
  if (pending.stage === 'enrol') throw enrolmentRequired();
  return pending;
}

/**
 * Finishes a pending sign-in with a second factor: a session, or, after a recovery code where two-factor is required
 * and the person has no method, the step to set one up. A wrong code is counted and answered 401.
 */
export async function answerChallenge(
  db: Database,
  config: Config,
  context: AuditContext,
  input: { pendingToken: string | undefined; method: SignInMethod; code: string },
): Promise<SignInResult> {
  const { method, code } = input;
  const pending = await challengeable(db, input.pendingToken, context.now);
  // Found by it, so the sign-in has one.
  const pendingToken = input.pendingToken!;
  const offered = await offeredMethods(db, pending);
  if (!offered.includes(method)) throw methodUnavailable();
  const { userId, firstFactor } = pending;
  const { now } = context;
  const attempt = throttleKey(userId, method, context);
  await guardAttempt(db, attempt);
  const asUser: AuditContext = { ...context, actorType: 'user', actorId: userId };

  const result = await db.transaction(async (tx): Promise<SignInResult | null> => {
    let recovery: { kind: 'set' | 'admin_issued' } | null = null;
    if (method === 'totp') {
      if (!(await consumeTotpCode(tx, config, { userId, code, now }))) return null;
    } else if (method === 'recovery_code') {
      recovery = await consumeRecoveryCode(tx, userId, code, now);
      if (!recovery) return null;
      await recordAudit(tx, asUser, { action: 'mfa.recovery_code_used', targetType: 'user', targetId: userId, details: { kind: recovery.kind } });
    } else if (!(await consumeChannelCode(tx, { userId, channel: method, purpose: 'sign_in', code, now }))) {
      return null;
    }
    // Required two-factor and no method of their own: the recovery code opens the door to setting one up.
    if (recovery && offered.length === 1) {
      if (!(await moveToEnrolment(tx, pending.id, now))) throw pendingExpired();
      return { kind: 'mfa_required', userId, pendingToken, methods: [], enrolmentRequired: true };
    }
    if (!(await takePendingSignIn(tx, pending.id, now))) throw pendingExpired();
    return startSignedInSession(tx, asUser, userId, { method: firstFactor, secondFactor: method });
  });
  if (!result) {
    await failedCode(db, context, attempt, userId, method, 'sign_in');
    throw wrongCode();
  }
  await recordSuccessfulAttempt(db, attempt);
  return result;
}

/** Sends an email or SMS code for a pending sign-in, to a method the person has and the instance allows. */
export async function sendSignInCode(
  db: Database,
  config: Config,
  context: AuditContext,
  input: { pendingToken: string | undefined; method: 'email' | 'sms'; log: SmsLog },
): Promise<{ sentTo: string }> {
  const { method } = input;
  const pending = await challengeable(db, input.pendingToken, context.now);
  const settings = await readMfaSettings(db);
  const methods = await confirmedMethodsOf(db, pending.userId);
  const row = methods.find((m) => m.kind === method);
  if (!row || !usableKinds([row], settings).length) throw methodUnavailable();
  const user = await personOf(db, pending.userId);
  const sent = await sendCode(
    db,
    config,
    { userId: user.id, name: user.name, email: user.email, channel: method, purpose: 'sign_in', ...(row.phone ? { phone: row.phone } : {}) },
    context.now,
    input.log,
  );
  await recordAudit(db, { ...context, actorType: 'user', actorId: user.id }, {
    action: 'auth.mfa.code_sent',
    targetType: 'user',
    targetId: user.id,
    details: { method },
  });
  return sent;
}
