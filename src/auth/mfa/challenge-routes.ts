import { z } from 'zod';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { auditContext } from '../request.js';
import { replyToSignIn, signInReplySchema } from '../sessions/complete-sign-in.js';
import { answerChallenge, pendingSignInStep, sendSignInCode, SIGN_IN_METHODS } from './challenge.js';
import { pendingTokenOf } from './pending.js';
import { codeField } from '../fields.js';

/** The second step of signing in: the pending sign-in cookie, answered with a second factor. */
export function challengeRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db, config } = deps;

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
      const result = await answerChallenge(db, config, auditContext(request), {
        pendingToken: pendingTokenOf(request, deps),
        method: request.body.method,
        code: request.body.code,
      });
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
    async (request) => pendingSignInStep(db, pendingTokenOf(request, deps), new Date()),
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
      const sent = await sendSignInCode(db, config, auditContext(request), {
        pendingToken: pendingTokenOf(request, deps),
        method: request.body.method,
        log: request.log,
      });
      return reply.status(202).send(sent);
    },
  );
}
