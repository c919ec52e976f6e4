import { z } from 'zod';
import { auditContext, onCredentialSaved, replyToSignIn, requirePermission, signInReplySchema } from '../auth/index.js';
import { authorizeSeeingPeople } from '../accounts/index.js';
import { mailInstance, wakeMailWorkers } from '../mail/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { joinFields, signupLinkFields } from './fields.js';
import { checkSignupLink, finishJoin, redeemSignupLink } from './joining.js';
import { createSignupLink, getSignupLink, listSignupLinks, revokeSignupLink, sendSignupLink, signupLinkSchema } from './service.js';

const tags = ['Joining'];
const idParams = z.object({ id: z.string().max(100) });
const tokenParams = z.object({ token: z.string().min(1).max(200) });

export function signupLinkRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db } = deps;
  onCredentialSaved('signup-links', (tx, { userId, context }) => finishJoin(tx, context, deps.config, userId));

  app.get(
    '/api/v1/admin/signup-links',
    {
      schema: {
        tags,
        summary: 'Sign-up links, newest first, with who created them, uses and status (needs invitations.manage)',
        querystring: z.object(pageQuery),
        response: { 200: pageOf(signupLinkSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'invitations.manage');
      authorizeSeeingPeople(actor);
      return listSignupLinks(db, request.query, new Date());
    },
  );

  app.post(
    '/api/v1/admin/signup-links',
    {
      schema: {
        tags,
        summary: 'Create a sign-up link (needs invitations.manage, and the permissions of the roles and groups it gives)',
        description:
          'The token and url are in this reply only; Foyer keeps just their hash. `maxUses` null or absent means unlimited; 1 is ' +
          'for one specific person. In production without mail configured: 409 `mail_not_configured`.',
        body: z.object(signupLinkFields),
        response: {
          201: signupLinkSchema.extend({ token: z.string(), url: z.string() }),
          ...errorResponses(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'invitations.manage');
      authorizeSeeingPeople(actor);
      const context = auditContext(request);
      const { row, token, url } = await createSignupLink(db, context, deps, actor, {
        ...request.body,
        expiresAt: new Date(request.body.expiresAt),
      });
      return reply.status(201).send({ ...(await getSignupLink(db, row.id, context.now)), token, url });
    },
  );

  app.delete(
    '/api/v1/admin/signup-links/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a sign-up link: it stops working at once (needs invitations.manage)',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'invitations.manage');
      authorizeSeeingPeople(actor);
      await revokeSignupLink(db, auditContext(request), actor, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/signup-links/:id/send',
    {
      schema: {
        tags,
        summary: 'Email an active sign-up link to some addresses (needs invitations.manage) → one result per address',
        description:
          'Foyer keeps only the hash of a link, so send the `token` the creation reply gave. Addresses outside the allowed ' +
          'domains come back `blocked` with the reason; nothing is sent to them.',
        params: idParams,
        body: z.object({
          token: z.string().min(1).max(200),
          emails: z.array(z.email('Enter valid email addresses').max(320)).min(1, 'Enter at least one address').max(100),
        }),
        response: {
          200: z.object({
            results: z.array(z.object({ email: z.string(), outcome: z.enum(['queued', 'blocked']), reason: z.string().nullable() })),
          }),
          ...errorResponses(400, 401, 403, 404, 409, 410),
        },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'invitations.manage');
      authorizeSeeingPeople(actor);
      const results = await sendSignupLink(db, auditContext(request), deps, actor, { id: request.params.id, ...request.body });
      wakeMailWorkers();
      return { results };
    },
  );

  app.get(
    '/api/v1/signup-links/:token',
    {
      schema: {
        tags,
        summary: 'Public: is this sign-up link usable? 404 unknown; 410 signup_link_expired, signup_link_used_up or signup_link_revoked',
        params: tokenParams,
        response: {
          200: z.object({ expiresAt: z.string(), instanceName: z.string().describe('The organisation, for the page to greet with') }),
          ...errorResponses(404, 410),
        },
      },
    },
    async (request) => {
      const { expiresAt } = await checkSignupLink(db, request.params.token, new Date());
      return { expiresAt: expiresAt.toISOString(), instanceName: (await mailInstance(db, deps.config)).name };
    },
  );

  app.post(
    '/api/v1/signup-links/:token/redeem',
    {
      schema: {
        tags,
        summary: 'Public: create an account through a sign-up link → 201 with a session for the new person',
        description:
          'Without a password the person registers a passkey next (they are signed in for that). The account is half-made ' +
          'until its first credential (this password, or that passkey): only then is the use counted and the link\'s roles and ' +
          'groups given. Coming back with the same link and email resumes a half-made account instead of answering ' +
          '`email_taken`. The email stays unconfirmed ' +
          'until the code mailed to it is entered. A taken email or username answers 409 with the field named: the person is ' +
          'creating their own account and needs to know to sign in instead. 422 `email_domain_not_allowed` for a domain off the ' +
          'allowlist. Nothing is created and no use is counted when the reply is not 201.',
        params: tokenParams,
        body: z.object(joinFields),
        response: { 201: signInReplySchema, ...errorResponses(400, 404, 409, 410, 422) },
      },
    },
    async (request, reply) => {
      const { signIn } = await redeemSignupLink(db, auditContext(request), deps, request.params.token, request.body);
      wakeMailWorkers();
      const body = await replyToSignIn(reply, deps, signIn);
      return reply.status(201).send(body);
    },
  );
}
