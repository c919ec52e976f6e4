import { z } from 'zod';
import { auditContext, hashNewPassword, onCredentialSaved, replyToSignIn, requirePermission, signInReplySchema } from '../auth/index.js';
import { authorizeSeeingPeople, USER_PROFILES } from '../accounts/index.js';
import { wakeMailWorkers } from '../mail/index.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { newUserFields } from '../users/index.js';
import { invitationItemSchema, listPendingInvitations } from './list.js';
import { acceptInvitation, acceptOnFirstCredential, readInvitation } from './accept.js';
import {
  inviteUser,
  resendInvitation,
  revokeInvitation,
  sendInviteToUser,
} from './service.js';

const tags = ['Joining'];
const idParams = z.object({ id: z.string().max(100) });
const tokenParams = z.object({ token: z.string().min(1).max(200) });
const idList = (what: string) => z.array(z.string().max(100)).max(100, `At most 100 ${what}`);

const mailOutcome = {
  mail: z.enum(['queued', 'blocked', 'not_sent']).describe('blocked: the address is outside the allowed domains, nothing was sent'),
  mailReason: z.string().nullable(),
};

const sentReply = z.object({ invitationId: z.string(), userId: z.string(), expiresAt: z.string(), ...mailOutcome });

export function invitationRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db } = deps;
  onCredentialSaved('invitations', (tx, { userId, kind, context }) => acceptOnFirstCredential(tx, context, userId, kind));

  app.get(
    '/api/v1/admin/invitations',
    {
      schema: {
        tags,
        summary: 'Pending invitations (not accepted, not withdrawn), newest first (needs invitations.manage)',
        querystring: z.object(pageQuery),
        response: { 200: pageOf(invitationItemSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'invitations.manage');
      authorizeSeeingPeople(actor);
      return listPendingInvitations(db, request.query, new Date());
    },
  );

  app.post(
    '/api/v1/admin/invitations',
    {
      schema: {
        tags,
        summary: 'Invite a user: creates the account and its invitation (needs invitations.manage, and the permissions given)',
        description:
          'Without a password the account is Pending Setup until its person follows the link. The roles and groups are also ' +
          'recorded on the invitation, so a first single sign-on of that address confirms them. `link` is in this reply only, ' +
          'for handing over when no email is sent. With `sendEmail` in production without mail configured: 409 ' +
          '`mail_not_configured`; to an address outside the allowed domains the mail is `blocked`.',
        body: z.object({
          name: newUserFields.name,
          email: newUserFields.email,
          username: newUserFields.username.optional(),
          password: z.string().max(1024).optional(),
          roleIds: idList('roles').default([]),
          groupIds: idList('groups').default([]),
          profile: z.enum(USER_PROFILES).default('member'),
          sendEmail: z.boolean().default(true),
        }),
        response: { 201: sentReply.extend({ link: z.string() }), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requirePermission(request, 'invitations.manage');
      authorizeSeeingPeople(actor);
      const { password, ...invite } = request.body;
      const passwordHash = password === undefined ? undefined : await hashNewPassword(password);
      const result = await db.transaction((tx) => inviteUser(tx, auditContext(request), deps, { ...invite, passwordHash, actor }));
      wakeMailWorkers();
      return reply.status(201).send({ ...result, expiresAt: result.expiresAt.toISOString() });
    },
  );

  app.delete(
    '/api/v1/admin/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Withdraw an invitation: its link stops working at once; the account stays (needs invitations.manage)',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      authorizeSeeingPeople(requirePermission(request, 'invitations.manage'));
      await revokeInvitation(db, auditContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  const resendDescription =
    'Issues a fresh link and emails it; the previous link stops working. Only while the email is unconfirmed: afterwards ' +
    '409 `email_already_verified` (the person uses Forgot password).';

  app.post(
    '/api/v1/admin/invitations/:id/resend',
    {
      schema: {
        tags,
        summary: 'Send an invitation again (needs invitations.manage)',
        description: resendDescription,
        params: idParams,
        response: { 200: sentReply, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      authorizeSeeingPeople(requirePermission(request, 'invitations.manage'));
      const result = await resendInvitation(db, auditContext(request), deps, request.params.id);
      wakeMailWorkers();
      return { ...result, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/admin/users/:id/send-invite',
    {
      schema: {
        tags: ['Users'],
        summary: '"Send invite" for a user: resends their invitation, or opens one (needs invitations.manage)',
        description: resendDescription,
        params: idParams,
        response: { 200: sentReply, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requirePermission(request, 'invitations.manage');
      authorizeSeeingPeople(actor);
      const result = await sendInviteToUser(db, auditContext(request), deps, request.params.id);
      wakeMailWorkers();
      return { ...result, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.get(
    '/api/v1/invitations/:token',
    {
      schema: {
        tags,
        summary: 'Public: the invitation behind a link, for the accept page',
        description: '404 `invitation_not_found` (also for a link replaced by a newer one); 410 `invitation_expired`, `invitation_used`, `invitation_revoked`.',
        params: tokenParams,
        response: {
          200: z.object({ name: z.string(), email: z.string(), expiresAt: z.string(), hasPassword: z.boolean() }),
          ...errorResponses(404, 410),
        },
      },
    },
    async (request) => {
      const invitation = await readInvitation(db, request.params.token, new Date());
      return { ...invitation, expiresAt: invitation.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/invitations/:token/accept',
    {
      schema: {
        tags,
        summary: 'Public: accept an invitation with a new password, or `{passkey: true}` to sign in and register a passkey',
        description: 'Confirms the email address and signs the person in. Errors as for GET, plus 400 for a refused password.',
        params: tokenParams,
        body: z.union([
          z.object({ password: z.string().min(1, 'Enter a password').max(1024) }),
          z.object({ passkey: z.literal(true) }),
        ]),
        response: { 200: signInReplySchema, ...errorResponses(400, 403, 404, 410) },
      },
    },
    async (request, reply) =>
      replyToSignIn(reply, deps, await acceptInvitation(db, auditContext(request), request.params.token, request.body)),
  );
}
