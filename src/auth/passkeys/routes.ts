import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import { errorResponses, type AppDeps, type FoyerApp } from '../../platform/http.js';
import { auditContext, requireActor } from '../request.js';
import { replyToSignIn, signInReplySchema } from '../sessions/complete-sign-in.js';
import { passkeyName } from '../fields.js';
import { relyingPartyOf } from './challenges.js';
import {
  listPasskeys,
  passkeyRegistrationOptions,
  passkeySchema,
  registerPasskey,
  removePasskey,
  renamePasskey,
  toPasskeyView,
} from './service.js';
import { passkeyReauthenticationOptions, passkeySignInOptions, reauthenticateWithPasskey, signInWithPasskey } from './sign-in.js';

const b64 = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+={0,2}$/, 'Must be base64url');

// What @simplewebauthn/browser hands back; the signature checks decide the rest.
const authenticationResponseSchema = z
  .object({
    id: b64(1024),
    rawId: b64(1024),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: b64(8192),
      authenticatorData: b64(8192),
      signature: b64(2048),
      userHandle: b64(256).optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  })
  .meta({ id: 'PasskeyAssertion' });

const registrationResponseSchema = z
  .object({
    id: b64(1024),
    rawId: b64(1024),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: b64(8192),
      attestationObject: b64(32768),
      authenticatorData: b64(32768).optional(),
      transports: z.array(z.string().max(32)).max(10).optional(),
      publicKeyAlgorithm: z.number().int().optional(),
      publicKey: b64(8192).optional(),
    }),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  })
  .meta({ id: 'PasskeyAttestation' });

// Passed to the browser's WebAuthn call unchanged, so only the challenge is spelled out.
const requestOptionsReply = z.object({
  options: z.looseObject({ challenge: z.string() }).describe('PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get()'),
});
const creationOptionsReply = z.object({
  options: z.looseObject({ challenge: z.string() }).describe('PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create()'),
});

const asAssertion = (r: z.infer<typeof authenticationResponseSchema>) => r as AuthenticationResponseJSON;
const asAttestation = (r: z.infer<typeof registrationResponseSchema>) => r as RegistrationResponseJSON;

const passkeyParams = z.object({ id: z.string().max(100) });

export function passkeyRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db } = deps;
  const rp = relyingPartyOf(deps.config);

  app.post(
    '/api/v1/auth/passkey/options',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Start a passwordless passkey sign-in (no username needed)',
        description: 'The challenge is valid for 5 minutes and verifies at most once.',
        response: { 200: requestOptionsReply },
      },
    },
    async () => ({ options: { ...(await passkeySignInOptions(db, rp, new Date())) } }),
  );

  app.post(
    '/api/v1/auth/passkey/verify',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'Finish a passkey sign-in',
        description:
          '400 `passkey_challenge_invalid` for an expired or already used challenge; 401 `invalid_credentials` for an ' +
          'unknown passkey or a response that does not verify; 403 `account_disabled`; 403 `passkey_flagged` when the ' +
          'passkey reported a use count that went backwards (it may have been copied).',
        body: z.object({ response: authenticationResponseSchema }),
        response: { 200: signInReplySchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) =>
      replyToSignIn(reply, deps, await signInWithPasskey(db, auditContext(request), rp, asAssertion(request.body.response))),
  );

  app.get(
    '/api/v1/me/passkeys',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Your passkeys, oldest first (always one page)',
        response: { 200: z.object({ items: z.array(passkeySchema), nextCursor: z.null() }), ...errorResponses(401) },
      },
    },
    async (request) => ({ items: (await listPasskeys(db, requireActor(request).user.id)).map(toPasskeyView), nextCursor: null }),
  );

  app.post(
    '/api/v1/me/passkeys/options',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Start registering a passkey (needs a sign-in within the last 10 minutes)',
        response: { 200: creationOptionsReply, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ options: { ...(await passkeyRegistrationOptions(db, rp, requireActor(request), new Date())) } }),
  );

  app.post(
    '/api/v1/me/passkeys',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Finish registering a passkey (needs a sign-in within the last 10 minutes)',
        description: 'Without a name, the passkey is named after the browser and system it was added from.',
        body: z.object({ name: passkeyName.optional(), response: registrationResponseSchema }),
        response: { 201: z.object({ passkey: passkeySchema }), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const row = await registerPasskey(db, auditContext(request), rp, actor, {
        name: request.body.name,
        response: asAttestation(request.body.response),
      });
      return reply.status(201).send({ passkey: toPasskeyView(row) });
    },
  );

  app.patch(
    '/api/v1/me/passkeys/:id',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Rename one of your passkeys',
        params: passkeyParams,
        body: z.object({ name: passkeyName }),
        response: { 200: z.object({ passkey: passkeySchema }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const row = await renamePasskey(db, auditContext(request), actor, request.params.id, request.body.name);
      return { passkey: toPasskeyView(row) };
    },
  );

  app.delete(
    '/api/v1/me/passkeys/:id',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Remove one of your passkeys (needs a sign-in within the last 10 minutes)',
        description: '409 `last_credential` when it is the account’s only way in: no password and no other passkey.',
        params: passkeyParams,
        response: { 204: z.null(), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await removePasskey(db, auditContext(request), requireActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/reauthenticate/passkey/options',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Start confirming it is you with one of your passkeys',
        description: '409 `no_passkeys` when the account has no usable passkey.',
        response: { 200: requestOptionsReply, ...errorResponses(401, 403, 409) },
      },
    },
    async (request) => ({ options: { ...(await passkeyReauthenticationOptions(db, rp, requireActor(request), new Date())) } }),
  );

  app.post(
    '/api/v1/me/reauthenticate/passkey/verify',
    {
      schema: {
        tags: ['Current user'],
        summary: 'Confirm it is you with a passkey: opens a 10-minute window for changing sign-in methods',
        body: z.object({ response: authenticationResponseSchema }),
        response: { 204: z.null(), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await reauthenticateWithPasskey(db, auditContext(request), rp, requireActor(request), asAssertion(request.body.response));
      return reply.status(204).send(null);
    },
  );
}
