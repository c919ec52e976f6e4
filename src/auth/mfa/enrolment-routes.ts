import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditContext } from '../../audit/index.js';
import { unauthenticated } from '../../platform/errors.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { loadMe, meSchema } from '../me.js';
import { requireRecentSignIn } from '../recent-sign-in.js';
import { auditContext, requireActor, setSessionCookie } from '../request.js';
import { personOf } from './people.js';
import { confirmSecondFactor, removeSecondFactor, secondFactorsOf, type Enrollee } from './enrolment.js';
import { startChannelEnrolment, startTotpEnrolment } from './methods.js';
import { clearPendingCookie, findPendingSignIn, pendingTokenOf } from './pending.js';
import { changeReply } from './route-schemas.js';
import { codeField, smsEnrolmentFields } from '../fields.js';
import { MFA_METHODS } from './schema.js';

const methodSchema = z
  .object({
    kind: z.enum(MFA_METHODS),
    /** SMS only, masked. */
    phone: z.string().nullable(),
    confirmedAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'MfaMethodView' });

/** Setting up, listing and removing your own second factors. */
export function enrolmentRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db, config } = deps;

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
    return { user: await personOf(db, pending.userId), via: { kind: 'pending', pending } };
  };

  /** A sign-in still finishing acts as the person it is for. */
  const contextFor = (request: FastifyRequest, who: Enrollee, now: Date): AuditContext =>
    who.via.kind === 'session'
      ? auditContext(request, now)
      : { ...auditContext(request, now), actorType: 'user', actorId: who.user.id };

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
    async (request) => secondFactorsOf(db, await enrollee(request, new Date(), { fresh: false })),
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
          ...(channel === 'sms' ? { body: z.object(smsEnrolmentFields) } : {}),
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
      const { recoveryCodes, session, otherSessionCount } = await confirmSecondFactor(db, config, contextFor(request, who, now), {
        who,
        kind,
        code: request.body.code,
      });
      if (session?.kind === 'signed_in') {
        clearPendingCookie(reply, deps);
        setSessionCookie(reply, deps, session.sessionToken);
        return { method: kind, recoveryCodes, otherSessionCount, user: await loadMe(db, who.user.id) };
      }
      return { method: kind, recoveryCodes, otherSessionCount };
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
      return removeSecondFactor(db, auditContext(request, now), actor, request.params.method);
    },
  );
}
