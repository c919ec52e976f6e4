import { and, eq, gt, lte } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { registerAccessHolder } from '../../accounts/index.js';
import type { Database } from '../../platform/db.js';
import { hashSecret, randomId, randomSecret, secretMatches, splitToken } from '../../platform/crypto.js';
import { FoyerError } from '../../platform/errors.js';
import type { AppDeps } from '../../platform/http.js';
import { confirmedMethodsOf, usableKinds } from './methods.js';
import { mfaPendingSignIns, type FirstFactor } from './schema.js';
import { readMfaSettings } from './settings.js';

/** Long enough to open an authenticator app or wait for a text; short enough that a forgotten tab is harmless. */
export const PENDING_CHALLENGE_MS = 5 * 60_000;
/** Setting up a first factor (installing an app, scanning a code) takes longer than entering one. */
export const PENDING_ENROLMENT_MS = 15 * 60_000;

/**
 * Lockout is for existing accounts that ignored the requirement (seed 001). Someone joining right now cannot have
 * set up anything yet, so they set up their second factor as part of joining, whatever the policy.
 */
const JOINING_FACTORS: ReadonlySet<FirstFactor> = new Set(['signup_link', 'invitation', 'setup']);

export type SecondFactorStep = { kind: 'none' } | { kind: 'challenge'; methods: string[] } | { kind: 'enrol' };

/**
 * The second-factor policy (contract B). A passkey is strong by itself and SSO is trusted to its provider; every
 * other first factor faces the person's own second factors, and, when the instance requires two-factor, the
 * administrator's choice for people who have none: locked out but for an administrator's recovery code (seed 001),
 * or made to set one up before the sign-in completes.
 */
export async function secondFactorStep(db: Database, userId: string, firstFactor: FirstFactor): Promise<SecondFactorStep> {
  if (firstFactor === 'passkey' || firstFactor === 'sso') return { kind: 'none' };
  const settings = await readMfaSettings(db);
  const usable = usableKinds(await confirmedMethodsOf(db, userId), settings);
  if (usable.length > 0) return { kind: 'challenge', methods: [...usable, 'recovery_code'] };
  if (!settings.required) return { kind: 'none' };
  const joining = JOINING_FACTORS.has(firstFactor);
  return joining || settings.withoutMethod === 'enrol_at_sign_in' ? { kind: 'enrol' } : { kind: 'challenge', methods: ['recovery_code'] };
}

export type PendingSignIn = typeof mfaPendingSignIns.$inferSelect;

export async function startPendingSignIn(
  db: Database,
  input: { userId: string; firstFactor: FirstFactor; stage: PendingSignIn['stage']; now: Date },
): Promise<string> {
  const id = randomId();
  const secret = randomSecret();
  const ttl = input.stage === 'enrol' ? PENDING_ENROLMENT_MS : PENDING_CHALLENGE_MS;
  // Old pending sign-ins are only litter; each new one sweeps the expired ones.
  await db.delete(mfaPendingSignIns).where(lte(mfaPendingSignIns.expiresAt, input.now));
  await db.insert(mfaPendingSignIns).values({
    id,
    secretHash: hashSecret(secret),
    userId: input.userId,
    firstFactor: input.firstFactor,
    stage: input.stage,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + ttl),
  });
  return `${id}.${secret}`;
}

export async function findPendingSignIn(db: Database, token: string | undefined, now: Date): Promise<PendingSignIn | null> {
  const parts = token ? splitToken(token) : null;
  if (!parts) return null;
  const [row] = await db
    .select()
    .from(mfaPendingSignIns)
    .where(and(eq(mfaPendingSignIns.id, parts.id), gt(mfaPendingSignIns.expiresAt, now)));
  return row && secretMatches(parts.secret, row.secretHash) ? row : null;
}

/** Ends a pending sign-in in the statement that checks it is still there: it completes at most once. */
export async function takePendingSignIn(db: Database, id: string, now: Date): Promise<boolean> {
  const taken = await db
    .delete(mfaPendingSignIns)
    .where(and(eq(mfaPendingSignIns.id, id), gt(mfaPendingSignIns.expiresAt, now)))
    .returning({ id: mfaPendingSignIns.id });
  return taken.length === 1;
}

/** After an administrator's recovery code, someone without a second factor goes on to set one up. */
export async function moveToEnrolment(db: Database, id: string, now: Date): Promise<boolean> {
  const moved = await db
    .update(mfaPendingSignIns)
    .set({ stage: 'enrol', expiresAt: new Date(now.getTime() + PENDING_ENROLMENT_MS) })
    .where(and(eq(mfaPendingSignIns.id, id), eq(mfaPendingSignIns.stage, 'challenge'), gt(mfaPendingSignIns.expiresAt, now)))
    .returning({ id: mfaPendingSignIns.id });
  return moved.length === 1;
}

export const pendingExpired = () =>
  new FoyerError(401, 'mfa_sign_in_expired', 'This sign-in has expired or was already completed. Sign in again.');

const pendingCookieName = (deps: AppDeps) => (deps.config.secureCookies ? '__Host-foyer_mfa_pending' : 'foyer_mfa_pending');

const cookieOptions = (deps: AppDeps) => ({ path: '/', httpOnly: true, sameSite: 'strict' as const, secure: deps.config.secureCookies });

export function setPendingCookie(reply: FastifyReply, deps: AppDeps, token: string, maxAgeMs: number): void {
  reply.setCookie(pendingCookieName(deps), token, { ...cookieOptions(deps), maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearPendingCookie(reply: FastifyReply, deps: AppDeps): void {
  reply.clearCookie(pendingCookieName(deps), cookieOptions(deps));
}

export const pendingTokenOf = (request: FastifyRequest, deps: AppDeps): string | undefined => request.cookies[pendingCookieName(deps)];

export const hasPendingCookie = (request: FastifyRequest, deps: AppDeps): boolean => pendingTokenOf(request, deps) !== undefined;

/** A half-finished sign-in is access in waiting: whatever ends a person's sessions ends it too. */
registerAccessHolder({
  name: 'pending_sign_ins',
  async end(tx, { userId }) {
    const ended = await tx.delete(mfaPendingSignIns).where(eq(mfaPendingSignIns.userId, userId)).returning({ id: mfaPendingSignIns.id });
    return ended.length;
  },
});
