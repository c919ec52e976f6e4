import { z } from 'zod';
import { wakeMailWorkers } from '../../mail/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { auditContext, requireActor } from '../request.js';
import { replyToSignIn, signInReplySchema } from '../sessions/complete-sign-in.js';
import { changeOwnPassword, ownPasswordStatus } from './change.js';
import { FORGOT_PASSWORD_REPLY, requestPasswordReset } from './forgot.js';
import { changePasswordFields, forgotPasswordFields, resetPasswordFields } from '../fields.js';
import { setPasswordWithToken } from './set-password.js';

export function passwordRoutes(app: FoyerApp, deps: AppDeps): void {
  app.post(
    '/api/v1/auth/password/forgot',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Email a link to choose a new password; always 202 with the same body',
        description: 'The link works once, for 30 minutes. The reply is the same whether or not the address has an account.',
        body: z.object(forgotPasswordFields),
        response: { 202: z.object({ message: z.string() }), ...errorResponses(400, 403, 429) },
      },
    },
    async (request, reply) => {
      const { mailed } = await requestPasswordReset(deps.db, deps.config, auditContext(request), request.body);
      if (mailed) wakeMailWorkers();
      return reply.status(202).send(FORGOT_PASSWORD_REPLY);
    },
  );

  app.post(
    '/api/v1/auth/password/reset',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Set a new password with a one-time link (password setup, invitation or reset)',
        description:
          'Ends every session of the account and signs in afresh; when a second factor is due the reply is `{mfaRequired: true, methods}` instead of the user.',
        body: z.object(resetPasswordFields),
        response: { 200: signInReplySchema, ...errorResponses(400, 403, 410) },
      },
    },
    async (request, reply) =>
      replyToSignIn(reply, deps, await setPasswordWithToken(deps.db, auditContext(request), request.body.token, request.body.password)),
  );

  app.get(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Whether you have a password, and whether this instance allows passwords at all',
        response: { 200: z.object({ hasPassword: z.boolean(), passwordsEnabled: z.boolean() }), ...errorResponses(401) },
      },
    },
    async (request) => ownPasswordStatus(deps.db, requireActor(request).user.id),
  );

  app.post(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Change your own password (needs a sign-in within the last 10 minutes)',
        description: '`currentPassword` is required when the account has a password. Other sessions stay; `otherSessionCount` says how many.',
        body: z.object(changePasswordFields),
        response: { 200: z.object({ otherSessionCount: z.number().int() }), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => changeOwnPassword(deps.db, auditContext(request), requireActor(request), request.body),
  );
}
