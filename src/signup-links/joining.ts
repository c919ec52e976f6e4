import { and, eq, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import {
  addMemberships,
  createUser,
  grantRoles,
  removeHalfMadeAccounts,
  setPasswordHash,
  stillExisting,
  updateProfile,
  users,
} from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { assertPasswordAllowed, completeSignIn, credentialSaved, hashNewPassword, type SignInResult } from '../auth/index.js';
import { sendVerificationCode } from '../email-verification/index.js';
import { hashSecret } from '../platform/crypto.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import type { AppDeps } from '../platform/http.js';
import { isEmailDomainAllowed } from '../settings/index.js';
import { signupLinkJoins, signupLinks, type SignupLinkRow } from './schema.js';
import { statusOf, unusable } from './service.js';

type Deps = Pick<AppDeps, 'config'>;

const unknownLink = () => new FoyerError(404, 'signup_link_not_found', 'This sign-up link does not exist. Check that you copied all of it.');

async function usableLink(db: Database, token: string, now: Date): Promise<SignupLinkRow> {
  const [link] = await db.select().from(signupLinks).where(eq(signupLinks.tokenHash, hashSecret(token)));
  if (!link) throw unknownLink();
  const status = statusOf(link, now);
  if (status !== 'active') throw unusable(status);
  return link;
}

/** The public check behind the join page: is this link still usable? */
export async function checkSignupLink(db: Database, token: string, now: Date): Promise<{ expiresAt: Date }> {
  const link = await usableLink(db, token, now);
  return { expiresAt: link.expiresAt };
}

export interface Redemption {
  name: string;
  email: string;
  username: string;
  password?: string;
}

/** The half-made account this link started for this address, if any: coming back resumes it. */
async function halfMadeFor(tx: Database, linkId: string, email: string) {
  const [row] = await tx
    .select({ user: users })
    .from(signupLinkJoins)
    .innerJoin(users, eq(users.id, signupLinkJoins.userId))
    .where(and(eq(signupLinkJoins.signupLinkId, linkId), sql`lower(${users.email}) = lower(${email.trim()})`))
    .for('update');
  return row?.user;
}

/**
 * Starts (or resumes) an account through a sign-up link and signs its person in for the set-up step. The account is
 * half-made until its first credential: with a password that is now, in this transaction; without one it is the
 * passkey the person registers next. Only then is the link's use spent and its roles and groups given
 * (`finishJoin`), so someone who stops before the passkey can follow the same link with the same email and carry on.
 *
 * Resuming needs nothing but the link and the address, exactly what starting needs: the half-made account holds
 * no credential, role or group, and its email stays unconfirmed until the mailed code is entered.
 */
export async function redeemSignupLink(
  db: Database,
  context: AuditContext,
  deps: Deps,
  token: string,
  input: Redemption,
): Promise<{ userId: string; signIn: SignInResult; mail: 'queued' | 'blocked'; resumed: boolean }> {
  if (input.password !== undefined) assertPasswordAllowed(input.password);
  if (!(await isEmailDomainAllowed(db, input.email))) {
    const message = 'This email domain is not approved. Use your organisation address, or contact your administrator.';
    throw new FoyerError(422, 'email_domain_not_allowed', message, { details: { fields: { email: message } } });
  }
  const passwordHash = input.password === undefined ? undefined : await hashNewPassword(input.password);
  return db.transaction(async (tx) => {
    const link = await usableLink(tx, token, context.now);
    const existing = await halfMadeFor(tx, link.id, input.email);
    const user = existing ?? (await createUser(tx, context, {
      name: input.name,
      email: input.email,
      username: input.username,
      passwordHash,
      emailVerified: false,
    }, deps.config));
    const personal = { ...context, actorType: 'user' as const, actorId: user.id };
    if (existing) {
      // The username stays the one first chosen: it may already be in the mail the person was sent.
      await updateProfile(tx, user.id, { name: input.name.trim() }, context.now);
      if (passwordHash) await setPasswordHash(tx, user.id, passwordHash, context.now);
    } else {
      await tx.insert(signupLinkJoins).values({ userId: user.id, signupLinkId: link.id, startedAt: context.now });
    }
    await recordAudit(tx, personal, {
      action: existing ? 'signup_link.resumed' : 'signup_link.started',
      targetType: 'signup_link',
      targetId: link.id,
      details: { userId: user.id, email: user.email },
    });
    if (passwordHash) await credentialSaved(tx, { userId: user.id, kind: 'password', context });
    const sent = await sendVerificationCode(tx, deps, user, context.now);
    const signIn = await completeSignIn(tx, context, user, { method: 'signup_link' });
    return { userId: user.id, signIn, mail: sent.mail, resumed: existing !== undefined };
  });
}

/**
 * Finishes a half-made account as its first credential is saved, in that transaction. The use is counted by one
 * conditional UPDATE, so a link never finishes more accounts than its limit: of two people racing for the last use,
 * the second gets 410 `signup_link_used_up` and their credential is rolled back with it.
 */
export async function finishJoin(tx: Database, context: AuditContext, config: Config, userId: string): Promise<void> {
  const [join] = await tx.delete(signupLinkJoins).where(eq(signupLinkJoins.userId, userId)).returning();
  if (!join) return;
  const [link] = await tx
    .update(signupLinks)
    .set({ uses: sql`${signupLinks.uses} + 1` })
    .where(
      and(
        eq(signupLinks.id, join.signupLinkId),
        isNull(signupLinks.revokedAt),
        sql`${signupLinks.expiresAt} > ${context.now}`,
        sql`(${signupLinks.maxUses} is null or ${signupLinks.uses} < ${signupLinks.maxUses})`,
      ),
    )
    .returning();
  if (!link) {
    const [current] = await tx.select().from(signupLinks).where(eq(signupLinks.id, join.signupLinkId));
    const status = current ? statusOf(current, context.now) : 'revoked';
    // Usable a moment ago, but another sign-up took the last use between our check and now.
    throw unusable(status === 'active' ? 'used_up' : status);
  }
  const { roleIds, groupIds } = await stillExisting(tx, link);
  await grantRoles(tx, userId, roleIds);
  await addMemberships(tx, { audit: context, config }, groupIds.map((groupId) => ({ groupId, userId })));
  await recordAudit(tx, { ...context, actorType: 'user', actorId: userId }, {
    action: 'signup_link.redeemed',
    targetType: 'signup_link',
    targetId: link.id,
    details: { userId, use: link.uses, maxUses: link.maxUses, roleIds, groupIds },
  });
}

/**
 * Housekeeping: removes half-made accounts that can no longer finish (their link expired, was withdrawn or used
 * up) or that have waited longer than their link lasts. They hold no credential and nothing was given to them.
 */
export async function pruneHalfMadeAccounts(db: Database, now: Date): Promise<number> {
  const stale = db
    .select({ userId: signupLinkJoins.userId })
    .from(signupLinkJoins)
    .innerJoin(signupLinks, eq(signupLinks.id, signupLinkJoins.signupLinkId))
    .where(
      or(
        lte(signupLinks.expiresAt, now),
        isNotNull(signupLinks.revokedAt),
        sql`${signupLinks.maxUses} is not null and ${signupLinks.uses} >= ${signupLinks.maxUses}`,
        sql`${signupLinkJoins.startedAt} + (${signupLinks.expiresAt} - ${signupLinks.createdAt}) <= ${now}`,
      ),
    );
  return removeHalfMadeAccounts(db, stale);
}
