import { eq } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { recordAudit, type AuditContext } from '../../audit/record.js';
import type { Database } from '../../platform/db.js';
import type { AppDeps } from '../../platform/http.js';
import { users } from '../../users/schema.js';
import { loadMe, meSchema } from '../../users/views.js';
import { setSessionCookie } from '../request.js';
import { createSession } from './service.js';

/** How the person proved who they are before any second factor. */
export type FirstFactor = 'password' | 'passkey' | 'login_link' | 'password_link' | 'signup_link' | 'invitation' | 'sso' | 'setup';

export type SignInResult =
  | { kind: 'signed_in'; userId: string; sessionToken: string }
  | { kind: 'mfa_required'; userId: string; pendingToken: string; methods: string[] };

/**
 * Every way into Foyer ends here once the first factor is proven and the account is known to be active, so the
 * second-factor policy, last-login time and the success audit event cannot be forgotten by a new sign-in path.
 * Must run inside the caller's transaction.
 */
export async function completeSignIn(
  tx: Database,
  context: AuditContext,
  user: { id: string },
  factor: { method: FirstFactor },
): Promise<SignInResult> {
  const sessionToken = await createSession(tx, user.id, context, context.now);
  await tx.update(users).set({ lastLoginAt: context.now }).where(eq(users.id, user.id));
  await recordAudit(tx, { ...context, actorType: 'user', actorId: user.id }, {
    action: 'auth.login.succeeded',
    targetType: 'user',
    targetId: user.id,
    details: { method: factor.method },
  });
  return { kind: 'signed_in', userId: user.id, sessionToken };
}

export const signInReplySchema = z.union([
  z.object({ user: meSchema }),
  z.object({ mfaRequired: z.literal(true), methods: z.array(z.string()) }),
]);

/** Shapes the reply of any sign-in route: the session cookie and the user, or the second-factor challenge. */
export async function replyToSignIn(
  reply: FastifyReply,
  deps: AppDeps,
  result: SignInResult,
): Promise<z.infer<typeof signInReplySchema>> {
  if (result.kind === 'mfa_required') return { mfaRequired: true, methods: result.methods };
  setSessionCookie(reply, deps, result.sessionToken);
  return { user: await loadMe(deps.db, result.userId) };
}
