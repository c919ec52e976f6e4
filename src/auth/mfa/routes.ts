import { and, count, eq, isNull, ne } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  authorizeManaging,
  authorizeSeeingPeople,
  userNotFound,
  userPermissions,
  users,
} from '../../accounts/index.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import type { Database } from '../../platform/db.js';
import { FoyerError, forbidden, unauthenticated } from '../../platform/errors.js';
import { errorResponses, isoDate, isoOrNull, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { isUuid } from '../../platform/ids.js';
import { loadMe, meSchema } from '../me.js';
import { verifyPassword, PASSWORD_MAX_LENGTH } from '../passwords/hashing.js';
import { requireRecentSignIn } from '../recent-sign-in.js';
import { auditContext, requireActor, requirePermission, setSessionCookie } from '../request.js';
import { replyToSignIn, signInReplySchema, startSignedInSession, type SignInResult } from '../sessions/complete-sign-in.js';
import { sessions } from '../sessions/schema.js';
import { markSessionReauthenticated } from '../sessions/service.js';
import { guardAttempt, recordFailedAttempt, recordSuccessfulAttempt, type Attempt } from '../throttling/service.js';
import { countCodeFailure } from './codes.js';
import {
  confirmEnrolment,
  confirmedMethodsOf,
  consumeChannelCode,
  consumeTotpCode,
  maskPhone,
  removeMethod,
  sendCode,
  startChannelEnrolment,
  startTotpEnrolment,
  usableKinds,
} from './methods.js';
import {
  clearPendingCookie,
  findPendingSignIn,
  moveToEnrolment,
  pendingExpired,
  pendingTokenOf,
  secondFactorStep,
  takePendingSignIn,
  type PendingSignIn,
} from './pending.js';
import { consumeRecoveryCode, issueAdminRecoveryCode, regenerateRecoveryCodes, remainingRecoveryCodes } from './recovery-codes.js';
import { MFA_METHODS } from './schema.js';
import { readMfaSettings } from './settings.js';

const SIGN_IN_METHODS = [...MFA_METHODS, 'recovery_code'] as const;
type SignInMethod = (typeof SIGN_IN_METHODS)[number];

const codeField = z.string().trim().min(1).max(64);

const enrolmentRequired = () =>
  new FoyerError(403, 'mfa_enrolment_required', 'Set up a second factor to finish signing in.');

const methodUnavailable = () =>
  new FoyerError(400, 'mfa_method_unavailable', 'This second factor cannot complete this sign-in.', {
    details: { fields: { method: 'is not one of the methods offered for this sign-in' } },
  });

const wrongCode = () => new FoyerError(401, 'invalid_mfa_code', 'That code is not correct or has expired.');

const methodSchema = z
  .object({
    kind: z.enum(MFA_METHODS),
    /** SMS only, masked. */
    phone: z.string().nullable(),
    confirmedAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'MfaMethodView' });

const changeReply = z.object({
  /** Sessions of this person other than the current one, which the console offers to end (DELETE /api/v1/me/sessions). */
  otherSessionCount: z.number().int(),
});

async function otherSessionCount(db: Database, userId: string, currentSessionId: string | null): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(sessions)
    .where(currentSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, currentSessionId)) : eq(sessions.userId, userId));
  return row?.n ?? 0;
}

interface Enrollee {
  user: { id: string; name: string; email: string };
  /** A signed-in session, or a sign-in that may only finish once a first second factor is set up. */
  via: { kind: 'session'; sessionId: string | null } | { kind: 'pending'; pending: PendingSignIn };
}

export function mfaRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db, config } = deps;

  const userCore = async (userId: string) => {
    const [user] = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
    if (!user) throw pendingExpired();
    return user;
  };

  /**
   * Who is changing second factors: a session that proved itself in the last ten minutes, or a sign-in stopped at
   * "set up a second factor first" (whose first factor was proven moments ago).
   */
  const enrollee = async (request: FastifyRequest, now: Date, { fresh = true } = {}): Promise<Enrollee> => {
    if (request.actor) {
      const actor = request.actor;
      if (fresh) requireRecentSignIn(actor, now);
      return { user: actor.user, via: { kind: 'session', sessionId: actor.sessionId } };
    }
    const pending = await findPendingSignIn(db, pendingTokenOf(request, deps), now);
    if (!pending || pending.stage !== 'enrol') throw unauthenticated();
    return { user: await userCore(pending.userId), via: { kind: 'pending', pending } };
  };

  const contextFor = (request: FastifyRequest, who: Enrollee, now: Date): AuditContext =>
    who.via.kind === 'session'
      ? auditContext(request, now)
      : { ...auditContext(request, now), actorType: 'user', actorId: who.user.id };

  /** A wrong code counts against the person's throttle for that method, and against an email/SMS code's guesses. */
  async function failedCode(context: AuditContext, attempt: Attempt, userId: string, method: SignInMethod, purpose: 'sign_in' | 'enrol') {
    if (method === 'email' || method === 'sms') await countCodeFailure(db, { userId, channel: method, purpose });
    await recordFailedAttempt(db, context, { ...attempt, userId });
    await recordAudit(db, context, { action: 'auth.mfa.failed', targetType: 'user', targetId: userId, details: { method, purpose } });
  }

  const throttleKey = (userId: string, method: string, request: FastifyRequest, now: Date): Attempt => ({
    accountKey: userId,
    ip: request.ip ?? null,
    method: `mfa_${method}`,
    now,
  });

  app.post(
    '/api/v1/auth/mfa',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Complete a pending sign-in with a second factor (totp, email, sms or recovery_code)',
        description:
          'Needs the pending cookie set by a sign-in that answered `mfaRequired`. Answers like sign-in: the user and a ' +
          'session, or, after an administrator-issued recovery code where two-factor is required, `enrolmentRequired`.',
        body: z.object({ method: z.enum(SIGN_IN_METHODS), code: codeField }),
        response: { 200: signInReplySchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const now = new Date();
      const context = auditContext(request, now);
      const { method, code } = request.body;
      const pending = await findPendingSignIn(db, pendingTokenOf(request, deps), now);
      if (!pending) throw pendingExpired();
      if (pending.stage === 'enrol') throw enrolmentRequired();
      const step = await secondFactorStep(db, pending.userId, pending.firstFactor);
      const offered = step.kind === 'challenge' ? step.methods : ['recovery_code'];
      if (!offered.includes(method)) throw methodUnavailable();
      const userId = pending.userId;
      const attempt = throttleKey(userId, method, request, now);
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
          return { kind: 'mfa_required', userId, pendingToken: pendingTokenOf(request, deps)!, methods: [], enrolmentRequired: true };
        }
        if (!(await takePendingSignIn(tx, pending.id, now))) throw pendingExpired();
        return startSignedInSession(tx, asUser, userId, { method: pending.firstFactor, secondFactor: method });
      });
      if (!result) {
        await failedCode(context, attempt, userId, method, 'sign_in');
        throw wrongCode();
      }
      await recordSuccessfulAttempt(db, attempt);
      return replyToSignIn(reply, deps, result);
    },
  );

  app.get(
    '/api/v1/auth/mfa',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'The pending sign-in: which second factors complete it, or whether one must be set up first',
        response: {
          200: z.object({ methods: z.array(z.string()), enrolmentRequired: z.boolean() }),
          ...errorResponses(401),
        },
      },
    },
    async (request) => {
      const pending = await findPendingSignIn(db, pendingTokenOf(request, deps), new Date());
      if (!pending) throw pendingExpired();
      if (pending.stage === 'enrol') return { methods: [], enrolmentRequired: true };
      const step = await secondFactorStep(db, pending.userId, pending.firstFactor);
      return { methods: step.kind === 'challenge' ? step.methods : ['recovery_code'], enrolmentRequired: false };
    },
  );

  app.post(
    '/api/v1/auth/mfa/send',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Send an email or SMS code for the pending sign-in',
        description: 'A new code replaces the previous one; it does not reset the count of wrong guesses.',
        body: z.object({ method: z.enum(['email', 'sms']) }),
        response: { 202: z.object({ sentTo: z.string() }), ...errorResponses(400, 401, 403, 409, 429, 502) },
      },
    },
    async (request, reply) => {
      const now = new Date();
      const pending = await findPendingSignIn(db, pendingTokenOf(request, deps), now);
      if (!pending) throw pendingExpired();
      if (pending.stage === 'enrol') throw enrolmentRequired();
      const settings = await readMfaSettings(db);
      const methods = await confirmedMethodsOf(db, pending.userId);
      const row = methods.find((m) => m.kind === request.body.method);
      if (!row || !usableKinds([row], settings).length) throw methodUnavailable();
      const user = await userCore(pending.userId);
      const sent = await sendCode(
        db,
        config,
        { userId: user.id, name: user.name, email: user.email, channel: request.body.method, purpose: 'sign_in', ...(row.phone ? { phone: row.phone } : {}) },
        now,
        request.log,
      );
      await recordAudit(db, { ...auditContext(request, now), actorType: 'user', actorId: user.id }, {
        action: 'auth.mfa.code_sent',
        targetType: 'user',
        targetId: user.id,
        details: { method: request.body.method },
      });
      return reply.status(202).send(sent);
    },
  );

  app.get(
    '/api/v1/me/mfa',
    {
      config: { acceptsPendingSignIn: true },
      schema: {
        tags: ['Two-factor'],
        summary: 'Your second factors, recovery codes left, and what this instance allows and requires',
        response: {
          200: z.object({
            methods: z.array(methodSchema),
            recoveryCodesRemaining: z.number().int(),
            allowedMethods: z.array(z.enum(MFA_METHODS)),
            required: z.boolean(),
            /** True while a sign-in waits for its first second factor to be set up. */
            enrolmentRequired: z.boolean(),
          }),
          ...errorResponses(401),
        },
      },
    },
    async (request) => {
      const who = await enrollee(request, new Date(), { fresh: false });
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
    },
  );

  app.post(
    '/api/v1/me/mfa/totp',
    {
      config: { acceptsPendingSignIn: true },
      schema: {
        tags: ['Two-factor'],
        summary: 'Start setting up an authenticator app: a new secret, its otpauth URI and a QR code',
        description: 'Needs a sign-in within the last 10 minutes. The app counts only after POST /api/v1/me/mfa/totp/confirm.',
        response: {
          200: z.object({ secret: z.string(), otpauthUri: z.string(), qrCode: z.string().describe('data: URL of an SVG image') }),
          ...errorResponses(401, 403, 409),
        },
      },
    },
    async (request) => {
      const now = new Date();
      const who = await enrollee(request, now);
      return startTotpEnrolment(db, config, who.user, now);
    },
  );

  for (const channel of ['email', 'sms'] as const) {
    app.post(
      `/api/v1/me/mfa/${channel}`,
      {
        config: { acceptsPendingSignIn: true },
        schema: {
          tags: ['Two-factor'],
          summary: channel === 'email' ? 'Start setting up email codes: sends a code to your address' : 'Start setting up SMS codes: sends a code to this phone',
          description: 'Needs a sign-in within the last 10 minutes. Confirm with the code at POST …/confirm.',
          ...(channel === 'sms' ? { body: z.object({ phone: z.string().max(32) }) } : {}),
          response: { 202: z.object({ sentTo: z.string() }), ...errorResponses(400, 401, 403, 409, 429, 502) },
        },
      },
      async (request, reply) => {
        const now = new Date();
        const who = await enrollee(request, now);
        const phone = (request.body as { phone?: string } | undefined)?.phone;
        const sent = await startChannelEnrolment(db, config, who.user, { channel, ...(phone ? { phone } : {}) }, now, request.log);
        return reply.status(202).send(sent);
      },
    );
  }

  app.post(
    '/api/v1/me/mfa/:method/confirm',
    {
      config: { acceptsPendingSignIn: true },
      schema: {
        tags: ['Two-factor'],
        summary: 'Finish setting up a second factor with a code from it',
        description:
          'Your first second factor also returns your ten recovery codes (shown only here). When this completes a sign-in ' +
          'that required setting one up, the reply also signs you in (`user` and the session cookie).',
        params: z.object({ method: z.enum(MFA_METHODS) }),
        body: z.object({ code: codeField }),
        response: {
          200: changeReply.extend({
            method: z.enum(MFA_METHODS),
            recoveryCodes: z.array(z.string()).nullable(),
            user: meSchema.optional(),
          }),
          ...errorResponses(400, 401, 403, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const now = new Date();
      const who = await enrollee(request, now);
      const kind = request.params.method;
      const context = contextFor(request, who, now);
      const attempt = throttleKey(who.user.id, kind, request, now);
      await guardAttempt(db, attempt);
      let outcome: { recoveryCodes: string[] | null; session: SignInResult | null };
      try {
        outcome = await db.transaction(async (tx) => {
          const confirmed = await confirmEnrolment(tx, config, context, { userId: who.user.id, kind, code: request.body.code });
          if (who.via.kind !== 'pending') return { recoveryCodes: confirmed.recoveryCodes, session: null };
          if (!(await takePendingSignIn(tx, who.via.pending.id, now))) throw pendingExpired();
          const session = await startSignedInSession(tx, context, who.user.id, { method: who.via.pending.firstFactor, secondFactor: kind });
          return { recoveryCodes: confirmed.recoveryCodes, session };
        });
      } catch (error) {
        if (error instanceof FoyerError && error.code === 'invalid_mfa_code') await failedCode(context, attempt, who.user.id, kind, 'enrol');
        throw error;
      }
      await recordSuccessfulAttempt(db, attempt);
      const { recoveryCodes, session } = outcome;
      if (session?.kind === 'signed_in') {
        clearPendingCookie(reply, deps);
        setSessionCookie(reply, deps, session.sessionToken);
        return { method: kind, recoveryCodes, otherSessionCount: 0, user: await loadMe(db, who.user.id) };
      }
      const sessionId = who.via.kind === 'session' ? who.via.sessionId : null;
      return { method: kind, recoveryCodes, otherSessionCount: await otherSessionCount(db, who.user.id, sessionId) };
    },
  );

  app.delete(
    '/api/v1/me/mfa/:method',
    {
      schema: {
        tags: ['Two-factor'],
        summary: 'Remove one of your second factors',
        description: 'Needs a sign-in within the last 10 minutes. Where two-factor is required, the last one cannot be removed (409 last_mfa_method).',
        params: z.object({ method: z.enum(MFA_METHODS) }),
        response: { 200: changeReply, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const now = new Date();
      const actor = requireActor(request);
      requireRecentSignIn(actor, now);
      await db.transaction((tx) => removeMethod(tx, auditContext(request, now), { userId: actor.user.id, kind: request.params.method }));
      return { otherSessionCount: await otherSessionCount(db, actor.user.id, actor.sessionId) };
    },
  );

  app.post(
    '/api/v1/me/recovery-codes',
    {
      schema: {
        tags: ['Two-factor'],
        summary: 'Generate ten new recovery codes (shown only here); the previous ones stop working',
        description: 'Needs a sign-in within the last 10 minutes.',
        response: { 200: changeReply.extend({ recoveryCodes: z.array(z.string()) }), ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const now = new Date();
      const actor = requireActor(request);
      requireRecentSignIn(actor, now);
      const recoveryCodes = await db.transaction(async (tx) => {
        const codes = await regenerateRecoveryCodes(tx, actor.user.id, now);
        await recordAudit(tx, auditContext(request, now), { action: 'mfa.recovery_codes_generated', targetType: 'user', targetId: actor.user.id });
        return codes;
      });
      return { recoveryCodes, otherSessionCount: await otherSessionCount(db, actor.user.id, actor.sessionId) };
    },
  );

  app.post(
    '/api/v1/me/reauthenticate',
    {
      schema: {
        tags: ['Two-factor'],
        summary: 'Confirm it is you (password or authenticator code) to change sign-in methods for the next 10 minutes',
        body: z.union([
          z.object({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH) }),
          z.object({ method: z.literal('totp'), code: codeField }),
        ]),
        response: { 200: z.object({ authenticatedAt: z.string() }), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const now = new Date();
      const actor = requireActor(request);
      if (!actor.sessionId) throw forbidden();
      const context = auditContext(request, now);
      const body = request.body;
      const method = 'password' in body ? 'password' : 'totp';
      const attempt: Attempt = { accountKey: actor.user.id, ip: request.ip ?? null, method: `reauthenticate_${method}`, now };
      await guardAttempt(db, attempt);
      let ok: boolean;
      if ('password' in body) {
        const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.user.id));
        ok = await verifyPassword(row?.passwordHash ?? null, body.password);
      } else {
        ok = await consumeTotpCode(db, config, { userId: actor.user.id, code: body.code, now });
      }
      if (!ok) {
        await recordFailedAttempt(db, context, { ...attempt, userId: actor.user.id });
        await recordAudit(db, context, { action: 'auth.reauthentication.failed', targetType: 'user', targetId: actor.user.id, details: { method } });
        throw new FoyerError(401, method === 'password' ? 'invalid_credentials' : 'invalid_mfa_code', method === 'password' ? 'The password is not correct.' : 'That code is not correct or has expired.');
      }
      await recordSuccessfulAttempt(db, attempt);
      await db.transaction(async (tx) => {
        await markSessionReauthenticated(tx, actor.sessionId!, now);
        await recordAudit(tx, context, { action: 'auth.reauthenticated', targetType: 'user', targetId: actor.user.id, details: { method } });
      });
      return { authenticatedAt: isoDate(now) };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/recovery-code',
    {
      schema: {
        tags: ['Users'],
        summary: 'Issue a one-time recovery code to a user who lost their second factor (needs users.update; shown only here)',
        description:
          'The code signs the person in once in place of a second factor, and replaces any unused code issued before. ' +
          'Where two-factor is required and they have none, they set one up straight after.',
        params: z.object({ id: z.string() }),
        response: { 201: z.object({ code: z.string(), expiresAt: z.string() }), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      const userId = request.params.id;
      if (!isUuid(userId)) throw userNotFound();
      const now = new Date();
      const issued = await db.transaction(async (tx) => {
        const [target] = await tx
          .select({ row: users, permissions: userPermissions })
          .from(users)
          .where(and(eq(users.id, userId), isNull(users.deletedAt)))
          .for('update', { of: users });
        if (!target) throw userNotFound();
        if (target.row.id === actor.user.id) {
          throw new FoyerError(409, 'self_action_refused', 'You cannot issue a recovery code to yourself. Ask another administrator.');
        }
        authorizeManaging(actor, target);
        const result = await issueAdminRecoveryCode(tx, { userId, issuedBy: actor.user.id, now });
        await recordAudit(tx, auditContext(request, now), {
          action: 'mfa.recovery_code_issued',
          targetType: 'user',
          targetId: userId,
          details: { expiresAt: isoDate(result.expiresAt) },
        });
        return result;
      });
      return reply.status(201).send({ code: issued.code, expiresAt: isoDate(issued.expiresAt) });
    },
  );
}
