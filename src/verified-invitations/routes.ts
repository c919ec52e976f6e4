import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditContext, replyToSignIn, requirePermission, signInReplySchema } from '../auth/index.js';
import { authorizeSeeingPeople, USER_PROFILES, type Actor } from '../accounts/index.js';
import { FoyerError } from '../platform/errors.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import { pageOf, pageQuery } from '../platform/paging.js';
import { adminUserDetailSchema, loadAdminUser, newUserFields } from '../users/index.js';
import { InvitationChanges } from './changes.js';
import { guestPassValue, joinAsGuest, parseGuestPass, readAsGuest, signInGuest, type GuestPass } from './guest.js';
import { cancelInvitation, chooseCode, confirmDetails, createVerifiedInvitation, greet, LINK_VALIDITY_MINUTES } from './service.js';
import { invitationNotFound, isTerminal, readInvitation } from './steps.js';
import { OpenStreams, streamInvitation } from './stream.js';
import { guestInvitationSchema, guestView, hostInvitationSchema, hostView, listInvitations } from './views.js';

const tags = ['Verified invitations'];
const idParams = z.object({ id: z.string().max(100) });
const idList = (what: string) => z.array(z.string().max(100)).max(100, `At most 100 ${what}`);
const codeBody = z.object({ code: z.string().trim().toUpperCase().min(1, 'Pick a code').max(16) });
const guestReply = z.object({ invitation: guestInvitationSchema });
const hostReply = z.object({ invitation: hostInvitationSchema });
const eventStream = z.string().describe('text/event-stream: a `state` event carrying the invitation whenever it changes');
const GUEST_PASS_MAX_AGE_S = 24 * 60 * 60;

/** The host side of every step: who may create accounts may invite, and must be allowed to see people. */
function requireHost(request: FastifyRequest): Actor {
  const actor = requirePermission(request, 'users.create');
  authorizeSeeingPeople(actor);
  return actor;
}

export function verifiedInvitationRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db, config } = deps;
  const changes = new InvitationChanges(db, app.log);
  const streams = new OpenStreams();
  app.addHook('preClose', async () => {
    streams.endAll();
    await changes.close();
  });

  const passCookie = config.secureCookies ? '__Host-foyer_invitation_guest' : 'foyer_invitation_guest';
  const passOf = (request: FastifyRequest): GuestPass | null => parseGuestPass(request.cookies[passCookie]);
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: config.secureCookies };
  const now = () => new Date();

  app.post(
    '/api/v1/verified-invitations/join',
    {
      schema: {
        tags,
        summary: 'Public: the guest opens the invitation link; this browser becomes the only one that may continue',
        description:
          'Sets an HttpOnly cookie holding a secret bound to the invitation. A reload in the same browser continues; ' +
          'any other browser gets 409 `verified_invitation_already_opened`.',
        body: z.object({ token: z.string().min(1).max(200) }),
        response: { 200: guestReply, ...errorResponses(400, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const { row, pass } = await joinAsGuest(db, auditContext(request), request.body.token, passOf(request));
      if (pass) reply.setCookie(passCookie, guestPassValue(pass), { ...cookieOptions, maxAge: GUEST_PASS_MAX_AGE_S });
      return { invitation: await guestView(db, row, now()) };
    },
  );

  app.get(
    '/api/v1/verified-invitations/:id',
    {
      schema: {
        tags,
        summary: 'Public: the guest’s view of their invitation (needs the cookie set when the link was opened)',
        params: idParams,
        response: { 200: guestReply, ...errorResponses(404) },
      },
    },
    async (request) => {
      const context = auditContext(request);
      const row = await readAsGuest(db, context, request.params.id, passOf(request));
      return { invitation: await guestView(db, row, context.now) };
    },
  );

  app.get(
    '/api/v1/verified-invitations/:id/events',
    {
      schema: {
        tags,
        summary: 'Public: live updates for the guest, as Server-Sent Events, until the invitation ends',
        params: idParams,
        produces: ['text/event-stream'],
        response: { 200: eventStream, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const pass = passOf(request);
      const id = request.params.id;
      await readAsGuest(db, auditContext(request), id, pass);
      await streamInvitation(request, reply, {
        changes,
        streams,
        invitationId: id,
        load: async () => {
          const context = auditContext(request);
          // The pass is spent on sign-in (the invitation then reads as not found to it): from then on the stream has
          // nothing more to tell this browser. Any other failure is the stream's to log and end.
          const row = await readAsGuest(db, context, id, pass).catch((error: unknown) => {
            if (error instanceof FoyerError && error.status === 404) return null;
            throw error;
          });
          if (!row) return { version: -2, view: null, terminal: true };
          return { version: row.version, view: await guestView(db, row, context.now), terminal: isTerminal(row.state) };
        },
      });
    },
  );

  app.post(
    '/api/v1/verified-invitations/:id/choose',
    {
      schema: {
        tags,
        summary: 'Public: the guest picks the code the host read out; a wrong pick stops the invitation',
        params: idParams,
        body: codeBody,
        response: { 200: guestReply, ...errorResponses(400, 404, 409, 410) },
      },
    },
    async (request) => {
      const pass = passOf(request);
      if (!pass || pass.invitationId !== request.params.id) throw invitationNotFound();
      const context = auditContext(request);
      const row = await chooseCode(db, context, 'guest', request.params.id, request.body.code, { pass });
      return { invitation: await guestView(db, row, context.now) };
    },
  );

  app.post(
    '/api/v1/verified-invitations/:id/sign-in',
    {
      schema: {
        tags,
        summary: 'Public: once the host created the account, the guest’s browser exchanges its pass for a session, once',
        params: idParams,
        response: { 200: signInReplySchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const result = await signInGuest(db, auditContext(request), request.params.id, passOf(request));
      reply.clearCookie(passCookie, cookieOptions);
      return replyToSignIn(reply, deps, result);
    },
  );

  app.post(
    '/api/v1/admin/verified-invitations',
    {
      schema: {
        tags,
        summary: 'Create a verified invitation (needs users.create, and the permissions of the roles and groups proposed)',
        description: 'The token and url are shown only here. The link stays usable until `expiresInMinutes` (default a day).',
        body: z.object({
          name: z.string().trim().max(200).nullish(),
          email: z.email('Enter a valid email address').max(320).nullish().or(z.literal('')),
          roleIds: idList('roles').default([]),
          groupIds: idList('groups').default([]),
          expiresInMinutes: z.coerce
            .number()
            .int()
            .min(LINK_VALIDITY_MINUTES.min, `At least ${LINK_VALIDITY_MINUTES.min} minutes`)
            .max(LINK_VALIDITY_MINUTES.max, 'At most 7 days')
            .default(LINK_VALIDITY_MINUTES.default),
        }),
        response: {
          201: z.object({ invitation: hostInvitationSchema, token: z.string(), url: z.string() }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const actor = requireHost(request);
      const { row, token } = await createVerifiedInvitation(db, auditContext(request), actor, request.body);
      const url = new URL(`/verify-invite?token=${encodeURIComponent(token)}`, config.publicUrl).toString();
      return reply.status(201).send({ invitation: await hostView(db, row, actor.user.id), token, url });
    },
  );

  app.get(
    '/api/v1/admin/verified-invitations',
    {
      schema: {
        tags,
        summary: 'Verified invitations, newest first (needs users.create)',
        querystring: z.object(pageQuery),
        response: { 200: pageOf(hostInvitationSchema), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireHost(request);
      return listInvitations(db, actor.user.id, new Date(), request.query);
    },
  );

  const hostRow = async (request: FastifyRequest, id: string) => {
    const row = await readInvitation(db, auditContext(request), id);
    if (!row) throw invitationNotFound();
    return row;
  };

  app.get(
    '/api/v1/admin/verified-invitations/:id',
    {
      schema: {
        tags,
        summary: 'One verified invitation (needs users.create); the code and choices only for the greeting host',
        params: idParams,
        response: { 200: hostReply, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireHost(request);
      return { invitation: await hostView(db, await hostRow(request, request.params.id), actor.user.id) };
    },
  );

  app.get(
    '/api/v1/admin/verified-invitations/:id/events',
    {
      schema: {
        tags,
        summary: 'Live updates for the host, as Server-Sent Events, until the invitation ends (needs users.create)',
        params: idParams,
        produces: ['text/event-stream'],
        response: { 200: eventStream, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireHost(request);
      const id = request.params.id;
      await hostRow(request, id);
      await streamInvitation(request, reply, {
        changes,
        streams,
        invitationId: id,
        load: async () => {
          const row = await hostRow(request, id);
          return { version: row.version, view: await hostView(db, row, actor.user.id), terminal: isTerminal(row.state) };
        },
      });
    },
  );

  app.delete(
    '/api/v1/admin/verified-invitations/:id',
    {
      schema: {
        tags,
        summary: 'Cancel a verified invitation that has not ended (needs users.create); its link stops working at once',
        params: idParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      requireHost(request);
      await cancelInvitation(db, auditContext(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/verified-invitations/:id/greet',
    {
      schema: {
        tags,
        summary: 'Greet the waiting guest (needs users.create): both sides get their codes; the greeter becomes the host',
        params: idParams,
        response: { 200: hostReply, ...errorResponses(401, 403, 404, 409, 410) },
      },
    },
    async (request) => {
      const actor = requireHost(request);
      const row = await greet(db, auditContext(request), actor, request.params.id);
      return { invitation: await hostView(db, row, actor.user.id) };
    },
  );

  app.post(
    '/api/v1/admin/verified-invitations/:id/choose',
    {
      schema: {
        tags,
        summary: 'The host picks the code the guest read out; a wrong pick stops the invitation (needs users.create)',
        params: idParams,
        body: codeBody,
        response: { 200: hostReply, ...errorResponses(400, 401, 403, 404, 409, 410) },
      },
    },
    async (request) => {
      const actor = requireHost(request);
      const row = await chooseCode(db, auditContext(request), 'host', request.params.id, request.body.code, { actor });
      return { invitation: await hostView(db, row, actor.user.id) };
    },
  );

  app.post(
    '/api/v1/admin/verified-invitations/:id/confirm',
    {
      schema: {
        tags,
        summary: 'After both codes match, the host confirms the person’s details and the account is created (needs users.create)',
        params: idParams,
        body: z.object({
          ...newUserFields,
          roleIds: idList('roles').default([]),
          groupIds: idList('groups').default([]),
          profile: z.enum(USER_PROFILES).default('member'),
        }),
        response: {
          201: z.object({ invitation: hostInvitationSchema, user: adminUserDetailSchema }),
          ...errorResponses(400, 401, 403, 404, 409, 410),
        },
      },
    },
    async (request, reply) => {
      const actor = requireHost(request);
      const row = await confirmDetails(db, auditContext(request), actor, request.params.id, request.body, deps.config);
      const user = await loadAdminUser(db, row.userId!);
      return reply.status(201).send({ invitation: await hostView(db, row, actor.user.id), user: user! });
    },
  );
}
