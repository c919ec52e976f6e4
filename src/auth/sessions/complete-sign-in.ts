import { eq, sql } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Database } from '../../platform/db.js';
import type { AppDeps } from '../../platform/http.js';
import { actorUserOf, heldCatalogue, recordSignIn, users } from '../../accounts/index.js';
import { meSchema, toMe, type Me } from '../me.js';
import {
  clearPendingCookie,
  hasPendingCookie,
  PENDING_CHALLENGE_MS,
  PENDING_ENROLMENT_MS,
  secondFactorStep,
  setPendingCookie,
  startPendingSignIn,
} from '../mfa/pending.js';
import { hasPasskeySql } from '../passkeys/service.js';
import type { FirstFactor } from '../mfa/schema.js';
import { setSessionCookie } from '../request.js';
import { createSession } from './service.js';

export type SignInResult =
  | { kind: 'signed_in'; userId: string; sessionToken: string; setupOnly: boolean; me: Me }
  | { kind: 'mfa_required'; userId: string; pendingToken: string; methods: string[]; enrolmentRequired: boolean };

/**
 * Every way into Foyer ends here once the first factor is proven and the account is known to be active, so the
 * second-factor policy, last-login time and the success audit event cannot be forgotten by a new sign-in path.
 * Must run inside the caller's transaction.
 */
export async function completeSignIn(
  tx: Database,
  context: AuditContext,
  user: { id: string },
  factor: { method: FirstFactor; ssoProviderId?: string },
): Promise<SignInResult> {
  const step = await secondFactorStep(tx, user.id, factor.method);
  if (step.kind === 'none') {
    return startSignedInSession(tx, context, user.id, { method: factor.method }, { ssoProviderId: factor.ssoProviderId });
  }
  const stage = step.kind === 'enrol' ? 'enrol' : 'challenge';
  const pendingToken = await startPendingSignIn(tx, { userId: user.id, firstFactor: factor.method, stage, now: context.now });
  await recordAudit(tx, { ...context, actorType: 'user', actorId: user.id }, {
    action: stage === 'enrol' ? 'auth.mfa.enrolment_required' : 'auth.mfa.challenged',
    targetType: 'user',
    targetId: user.id,
    details: { method: factor.method },
  });
  return {
    kind: 'mfa_required',
    userId: user.id,
    pendingToken,
    methods: step.kind === 'challenge' ? step.methods : [],
    enrolmentRequired: stage === 'enrol',
  };
}

/** First factors that can begin an account that has no credential yet: its session is for the set-up step only. */
const SETUP_FACTORS: ReadonlySet<string> = new Set<FirstFactor>(['signup_link', 'invitation']);

async function hasCredential(tx: Database, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ has: sql<boolean>`${users.passwordHash} is not null or ${hasPasskeySql}` })
    .from(users)
    .where(eq(users.id, userId));
  return row?.has === true;
}

/**
 * The session itself, once every factor the policy asks for is proven. Only this module and the second-factor
 * routes call it; a new way of signing in calls `completeSignIn`.
 */
export async function startSignedInSession(
  tx: Database,
  context: AuditContext,
  userId: string,
  details: { method: string; secondFactor?: string },
  via: { ssoProviderId?: string } = {},
): Promise<SignInResult> {
  const setupOnly = SETUP_FACTORS.has(details.method) && !(await hasCredential(tx, userId));
  const sessionToken = await createSession(tx, userId, context, context.now, { ...via, setupOnly });
  // The reply shows the account as this sign-in left it: read in the statement that stamps the sign-in time.
  const known = heldCatalogue();
  const row = await recordSignIn(tx, userId, context.now, known?.stamp ?? null);
  if (!row) throw new Error(`user ${userId} vanished`);
  await recordAudit(tx, { ...context, actorType: 'user', actorId: userId }, {
    action: 'auth.login.succeeded',
    targetType: 'user',
    targetId: userId,
    details,
  });
  const { user, permissions } = actorUserOf(row, known);
  return { kind: 'signed_in', userId, sessionToken, setupOnly, me: toMe(user, permissions, setupOnly) };
}

export const signInReplySchema = z.union([
  z.object({ user: meSchema }),
  z.object({
    mfaRequired: z.literal(true),
    methods: z.array(z.string()).describe('Second factors that complete this sign-in: totp, email, sms, recovery_code'),
    enrolmentRequired: z
      .boolean()
      .describe('Two-factor is required and the person has none: they must set one up (under /api/v1/me/mfa) to finish signing in'),
  }),
]);

/**
 * Shapes the reply of any sign-in route: the session cookie and the user, or the second-factor step with its
 * short-lived pending cookie.
 */
export async function replyToSignIn(
  reply: FastifyReply,
  deps: AppDeps,
  result: SignInResult,
): Promise<z.infer<typeof signInReplySchema>> {
  if (result.kind === 'mfa_required') {
    setPendingCookie(reply, deps, result.pendingToken, result.enrolmentRequired ? PENDING_ENROLMENT_MS : PENDING_CHALLENGE_MS);
    return { mfaRequired: true, methods: result.methods, enrolmentRequired: result.enrolmentRequired };
  }
  if (hasPendingCookie(reply.request, deps)) clearPendingCookie(reply, deps);
  setSessionCookie(reply, deps, result.sessionToken);
  return { user: result.me };
}
