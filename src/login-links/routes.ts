import { z } from 'zod';
import { takeAppSignIn } from '../apps/index.js';
import { auditContext, replyToSignIn, requirePermission, signInReplySchema } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { wakeMailWorkers } from '../mail/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { issueLoginLink, listLoginLinks, loginLinkSchema, revokeLoginLink, signInWithLoginLink } from './service.js';

const userParams = z.object({ id: z.string().max(100) });
const next = z.string().nullable().describe("The app sign-in this browser came from, to continue there; null when it did not come from an app");
const signedIn = signInReplySchema.options[0].extend({ next });
/** With a second factor due, the app sign-in is answered now: the tab keeps it through the second step and goes on to it. */
const secondStep = signInReplySchema.options[1].extend({ next });

export function loginLinkRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db } = deps;

  app.post(
    '/api/v1/admin/users/:id/login-link',
    {
      schema: {
        tags: ['Users'],
        summary: 'Issue a one-time login link for a user: email it, or get the URL to copy (needs users.update)',
        description:
          'Valid for the minutes set in Settings (15 by default, at most 24 hours) and once only. `url` appears only when ' +
          '`send` is false, and only in this reply. Refused (403) for an account holding permissions you lack; 409 ' +
          '`account_not_active` for a disabled account; with `send` in production without mail: 409 `mail_not_configured`.',
        params: userParams,
        body: z.object({ send: z.boolean() }),
        response: {
          201: z.object({
            id: z.string(),
            expiresAt: z.string(),
            url: z.string().nullable(),
            mail: z.enum(['queued', 'blocked', 'not_sent']),
            mailReason: z.string().nullable(),
          }),
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      const issued = await issueLoginLink(db, auditContext(request), deps, actor, request.params.id, request.body);
      wakeMailWorkers();
      return reply.status(201).send({ ...issued, expiresAt: issued.expiresAt.toISOString() });
    },
  );

  app.get(
    '/api/v1/admin/users/:id/login-links',
    {
      schema: {
        tags: ['Users'],
        summary: 'The login links issued for a user, newest first, with their status (needs users.read)',
        params: userParams,
        querystring: z.object(pageQuery),
        response: { 200: pageOf(loginLinkSchema), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'users.read');
      authorizeSeeingPeople(actor);
      return listLoginLinks(db, request.params.id, request.query, new Date());
    },
  );

  app.delete(
    '/api/v1/admin/users/:id/login-links/:linkId',
    {
      schema: {
        tags: ['Users'],
        summary: 'Revoke a login link: it stops working at once (needs users.update)',
        params: userParams.extend({ linkId: z.string().max(100) }),
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'users.update');
      authorizeSeeingPeople(actor);
      await revokeLoginLink(db, auditContext(request), request.params.id, request.params.linkId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/login-link',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Sign in with a one-time login link; the console then asks for a new passkey',
        description:
          '410 `login_link_invalid` for an unknown, expired, used or revoked link; 403 `account_disabled`. When this ' +
          "browser was sent to sign in by an app, `next` is that app's sign-in (`/oidc/interaction/<uid>`) to go back to, " +
          'also beside `mfaRequired`: the console keeps it for this tab and goes there once the second factor is done.',
        body: z.object({ token: z.string().min(1).max(200) }),
        response: { 200: z.union([signedIn, secondStep]), ...errorResponses(400, 403, 410) },
      },
    },
    async (request, reply) => {
      const signIn = await replyToSignIn(reply, deps, await signInWithLoginLink(db, auditContext(request), request.body.token));
      // The link is usually opened from the mail in another tab, which does not know the app sign-in its first tab
      // started; the browser's cookie does, and is answered here whichever step comes next.
      return { ...signIn, next: takeAppSignIn(request, reply, deps.config) };
    },
  );
}
