import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { FoyerError, forbidden } from '../platform/errors.js';
import { errorResponses, type AppDeps, type FoyerApp } from '../platform/http.js';
import type { Actor } from '../accounts/index.js';
import { reauthenticate } from './mfa/enrolment.js';
import { confirmedMethodsOf, usableKinds } from './mfa/methods.js';
import { readMfaSettings } from './mfa/settings.js';
import { listPasskeys } from './passkeys/service.js';
import { ownPasswordStatus } from './passwords/change.js';
import { auditContext, requireActor } from './request.js';
import { reauthenticationFields } from './fields.js';

/**
 * The ways this Foyer itself can confirm it is the person (`POST /api/v1/me/reauthenticate` and the passkey pair beside
 * it). Single sign-on is not among them: the console offers "sign in again" with each linked provider, which
 * `GET /api/v1/me/sso` lists, since that feature sits above this one.
 */
export const REAUTHENTICATION_METHODS = ['passkey', 'password', 'totp'] as const;
export type ReauthenticationMethod = (typeof REAUTHENTICATION_METHODS)[number];

/** Exactly the methods the person owns and the instance allows, so the prompt never offers what cannot work. */
export async function reauthenticationMethods(db: Database, userId: string): Promise<ReauthenticationMethod[]> {
  const [password, passkeys, factors, mfaSettings] = await Promise.all([
    ownPasswordStatus(db, userId),
    listPasskeys(db, userId),
    confirmedMethodsOf(db, userId),
    readMfaSettings(db),
  ]);
  const owned: ReauthenticationMethod[] = [];
  // A passkey whose signature counter went backwards may be a clone: it confirms nothing until its owner checks it.
  if (passkeys.some((p) => !p.signCountRegressedAt)) owned.push('passkey');
  if (password.hasPassword && password.passwordsEnabled) owned.push('password');
  if (usableKinds(factors, mfaSettings).includes('totp')) owned.push('totp');
  return owned;
}

const methodNotOwned = (method: ReauthenticationMethod, owned: ReauthenticationMethod[]) =>
  new FoyerError(
    409,
    'reauthentication_method_unavailable',
    method === 'password'
      ? 'You have no password to confirm with. Use one of the ways offered instead.'
      : 'You have no authenticator app to confirm with. Use one of the ways offered instead.',
    { details: { method, available: owned } },
  );

async function refuseUnlessOwned(db: Database, actor: Actor, method: ReauthenticationMethod): Promise<void> {
  const owned = await reauthenticationMethods(db, actor.user.id);
  if (!owned.includes(method)) throw methodNotOwned(method, owned);
}

export function reauthenticationRoutes(app: FoyerApp, deps: AppDeps): void {
  const { db, config } = deps;

  app.get(
    '/api/v1/me/reauthenticate',
    {
      schema: {
        tags: ['Two-factor'],
        summary: 'The ways I can confirm it is me: only the methods my account has',
        response: { 200: z.object({ methods: z.array(z.enum(REAUTHENTICATION_METHODS)) }), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      if (!actor.sessionId) throw forbidden();
      reply.header('cache-control', 'no-store');
      return { methods: await reauthenticationMethods(db, actor.user.id) };
    },
  );

  app.post(
    '/api/v1/me/reauthenticate',
    {
      schema: {
        tags: ['Two-factor'],
        summary: 'Confirm it is you (password or authenticator code) to change sign-in methods for the next 10 minutes',
        description:
          '409 `reauthentication_method_unavailable` when the account has no such method (no password, or no authenticator ' +
          'app); `details.available` lists the ones it has.',
        body: z.union([
          z.object(reauthenticationFields.password),
          z.object(reauthenticationFields.totp),
        ]),
        response: { 200: z.object({ authenticatedAt: z.string() }), ...errorResponses(400, 401, 403, 409, 429) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { sessionId } = actor;
      if (!sessionId) throw forbidden();
      const body = request.body;
      await refuseUnlessOwned(db, actor, 'password' in body ? 'password' : 'totp');
      return reauthenticate(db, config, auditContext(request), { ...actor, sessionId }, body);
    },
  );
}
