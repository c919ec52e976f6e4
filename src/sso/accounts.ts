import { randomBytes } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  authorizeManaging,
  createUser,
  markEmailVerified,
  registerAccessHolder,
  setAccountStatus,
  setPasswordHash,
  userNotFound,
  userPermissions,
  users,
  type Actor,
  type UserRow,
} from '../accounts/index.js';
import { createSsoRegistrationRequest, domainNotAllowed, readRegistrationSettings } from '../access-requests/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { completeSignIn, endSessionsSignedInThroughSso, type SignInResult } from '../auth/index.js';
import { claimInvitationForSso } from '../invitations/index.js';
import type { Config } from '../platform/config.js';
import { isUniqueViolation, type Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { isoDate, isoOrNull } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { isEmailDomainAllowed } from '../settings/index.js';
import type { SsoClaims } from './flow.js';
import type { SsoProviderRow } from './providers.js';
import { ssoIdentities, ssoProviders, ssoSwitchedAccounts } from './schema.js';

/** What happened at the end of a round trip, for the callback to turn into a redirect. */
export type SsoOutcome =
  | { kind: 'signed_in'; result: SignInResult; linked: boolean }
  | { kind: 'linked'; userId: string }
  | { kind: 'awaiting_approval' };

export const localAccountExists = () =>
  new FoyerError(409, 'local_account_exists', 'A local account with this email already exists.');
const emailNotVerified = () =>
  new FoyerError(
    403,
    'sso_email_not_verified',
    'Your identity provider has not confirmed your email address, so Foyer cannot use this sign-in. Confirm it there, then try again.',
  );
const noAccount = () =>
  new FoyerError(
    403,
    'sso_account_not_found',
    'No Foyer account uses this sign-in yet. Sign in another way and link it from My account, or ask an administrator.',
  );
const accountDisabled = () => new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
const identityTaken = () =>
  new FoyerError(409, 'sso_identity_taken', 'This sign-in is already linked to another Foyer account.');
const providerAlreadyLinked = () =>
  new FoyerError(409, 'sso_provider_already_linked', 'Your account is already linked to another sign-in at this provider. Remove that link first.');

type AccountRow = Pick<UserRow, 'id' | 'email' | 'status' | 'deletedAt'>;
const accountColumns = { id: users.id, email: users.email, status: users.status, deletedAt: users.deletedAt };

async function identityOwner(tx: Database, providerId: string, subject: string): Promise<AccountRow | undefined> {
  const [row] = await tx
    .select(accountColumns)
    .from(ssoIdentities)
    .innerJoin(users, eq(users.id, ssoIdentities.userId))
    .where(and(eq(ssoIdentities.providerId, providerId), eq(ssoIdentities.subject, subject)));
  return row;
}

/** Inserts the link; the two unique keys settle any race with another tab or instance linking at the same moment. */
async function linkIdentity(
  tx: Database,
  context: AuditContext,
  input: { userId: string; provider: SsoProviderRow; subject: string; reason: 'user' | 'switched' | 'invitation' | 'registration' },
): Promise<void> {
  try {
    await tx.insert(ssoIdentities).values({
      providerId: input.provider.id,
      subject: input.subject,
      userId: input.userId,
      linkedAt: context.now,
      lastUsedAt: context.now,
    });
  } catch (error) {
    if (isUniqueViolation(error, 'sso_identities_provider_subject_key')) throw identityTaken();
    if (isUniqueViolation(error, 'sso_identities_user_provider_key')) throw providerAlreadyLinked();
    throw error;
  }
  // Linked during a sign-in, the person whose account it is did it, not an anonymous visitor.
  const actor = context.actorType === 'anonymous' ? { ...context, actorType: 'user' as const, actorId: input.userId } : context;
  await recordAudit(tx, actor, {
    action: 'sso.identity_linked',
    targetType: 'user',
    targetId: input.userId,
    details: { providerId: input.provider.id, provider: input.provider.name, reason: input.reason },
  });
}

const signIn = async (tx: Database, context: AuditContext, userId: string, provider: SsoProviderRow, linked: boolean): Promise<SsoOutcome> => ({
  kind: 'signed_in',
  linked,
  result: await completeSignIn(tx, context, { id: userId }, { method: 'sso', ssoProviderId: provider.id }),
});

/** A known person may sign in only while their account is active; one awaiting approval is told so. */
function admit(account: AccountRow): 'active' | 'awaiting_approval' {
  if (account.deletedAt) throw noAccount();
  if (account.status === 'pending_approval') return 'awaiting_approval';
  if (account.status !== 'active') throw accountDisabled();
  return 'active';
}

/**
 * Seeds 002 and 004: who a provider's answer signs in. The identity (provider, subject) decides when it is linked.
 * Otherwise only an email the provider verified is considered, and it links an account only when an administrator
 * switched that account to SSO or an invitation is waiting for it; any other account with that email is refused, so
 * a provider account can never take over a local one. Unknown people get an account awaiting approval when
 * registration through SSO is on, or when they came from the join request form and it takes requests. Claims never
 * grant roles.
 */
export async function signInWithSso(
  tx: Database,
  context: AuditContext,
  config: Config,
  provider: SsoProviderRow,
  claims: SsoClaims,
  purpose: 'sign_in' | 'join_request' = 'sign_in',
): Promise<SsoOutcome> {
  const owner = await identityOwner(tx, provider.id, claims.subject);
  if (owner) {
    if (admit(owner) === 'awaiting_approval') return { kind: 'awaiting_approval' };
    await tx
      .update(ssoIdentities)
      .set({ lastUsedAt: context.now })
      .where(and(eq(ssoIdentities.providerId, provider.id), eq(ssoIdentities.subject, claims.subject)));
    return signIn(tx, context, owner.id, provider, false);
  }

  if (!claims.email || !claims.emailVerified) throw emailNotVerified();

  const [account] = await tx
    .select({ ...accountColumns, switched: sql<boolean>`${ssoSwitchedAccounts.userId} is not null` })
    .from(users)
    .leftJoin(ssoSwitchedAccounts, eq(ssoSwitchedAccounts.userId, users.id))
    .where(and(sql`lower(${users.email}) = lower(${claims.email})`, isNull(users.deletedAt)))
    .for('update', { of: users });
  if (account) {
    if (account.switched) {
      if (admit(account) === 'awaiting_approval') return { kind: 'awaiting_approval' };
      await linkIdentity(tx, context, { userId: account.id, provider, subject: claims.subject, reason: 'switched' });
      await markEmailVerified(tx, account.id, context.now, { keepEarlier: true });
      return signIn(tx, context, account.id, provider, true);
    }
    const invitation = await claimInvitationForSso(tx, context, { userId: account.id, email: claims.email }, config);
    if (invitation) {
      if (admit(account) === 'awaiting_approval') return { kind: 'awaiting_approval' };
      await linkIdentity(tx, context, { userId: account.id, provider, subject: claims.subject, reason: 'invitation' });
      return signIn(tx, context, account.id, provider, true);
    }
    throw localAccountExists();
  }

  const settings = await readRegistrationSettings(tx);
  // A join request (seed 003) is the access request form with the email proven by the provider.
  if (!(purpose === 'join_request' ? settings.accessRequestsEnabled : settings.ssoRegistrationEnabled)) throw noAccount();
  if (!(await isEmailDomainAllowed(tx, claims.email))) throw domainNotAllowed();
  await registerThroughSso(tx, context, config, provider, claims as SsoClaims & { email: string });
  return { kind: 'awaiting_approval' };
}

/** A username nobody holds, from what the provider suggests; a random suffix settles a clash. */
async function freeUsername(tx: Database, claims: SsoClaims & { email: string }): Promise<string> {
  const base = (claims.preferredUsername ?? claims.email.slice(0, claims.email.indexOf('@')))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 40) || 'user';
  const [taken] = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.username}) = ${base}`);
  return taken ? `${base}-${randomBytes(3).toString('hex')}` : base;
}

/**
 * Registration through SSO (seed 002): the account (no usable password until its person sets one), its link and
 * the access request an administrator approves, all in the caller's transaction. It holds no role until approved.
 */
async function registerThroughSso(
  tx: Database,
  context: AuditContext,
  config: Config,
  provider: SsoProviderRow,
  claims: SsoClaims & { email: string },
): Promise<void> {
  const name = claims.name ?? claims.email.slice(0, claims.email.indexOf('@'));
  const user = await createUser(tx, context, {
    name,
    email: claims.email,
    username: await freeUsername(tx, claims),
    emailVerified: true,
  }, config);
  // Created this instant, so marking it updated now changes nothing but its status.
  await setAccountStatus(tx, user.id, 'pending_approval', context.now);
  await linkIdentity(tx, context, { userId: user.id, provider, subject: claims.subject, reason: 'registration' });
  await createSsoRegistrationRequest(tx, context, { userId: user.id, email: user.email, name, providerId: provider.id }, { config });
}

/**
 * A signed-in person links a provider (from My account, or by signing in through SSO while signed in). Both halves
 * are proven: the session is theirs and the provider just authenticated the subject. The email need not match.
 */
export async function linkSsoToUser(
  tx: Database,
  context: AuditContext,
  provider: SsoProviderRow,
  claims: SsoClaims,
  userId: string,
): Promise<SsoOutcome> {
  const owner = await identityOwner(tx, provider.id, claims.subject);
  if (owner && owner.id !== userId) throw identityTaken();
  if (!owner) await linkIdentity(tx, context, { userId, provider, subject: claims.subject, reason: 'user' });
  return { kind: 'linked', userId };
}

export const linkedProviderSchema = z
  .object({
    providerId: z.string(),
    name: z.string(),
    enabled: z.boolean().describe('Whether the provider is switched on, i.e. whether this link can be used to sign in'),
    linkedAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'LinkedSsoProvider' });
export type LinkedProvider = z.infer<typeof linkedProviderSchema>;

/** Which providers a person is linked to and whether they work; the subject and claims are never shown. */
export async function linkedProvidersOf(db: Database, userId: string): Promise<LinkedProvider[]> {
  const rows = await db
    .select({
      providerId: ssoProviders.id,
      name: ssoProviders.name,
      enabled: ssoProviders.enabled,
      linkedAt: ssoIdentities.linkedAt,
      lastUsedAt: ssoIdentities.lastUsedAt,
    })
    .from(ssoIdentities)
    .innerJoin(ssoProviders, eq(ssoProviders.id, ssoIdentities.providerId))
    .where(eq(ssoIdentities.userId, userId))
    .orderBy(asc(ssoProviders.name));
  return rows.map((r) => ({ ...r, linkedAt: isoDate(r.linkedAt), lastUsedAt: isoOrNull(r.lastUsedAt) }));
}

const linkNotFound = () => new FoyerError(404, 'not_found', 'This account is not linked to that provider.');

/**
 * Removes one link; `by` says whether the person did it themselves or an administrator did. Removing a link removes
 * the SSO access it gave: sessions signed in through that provider end (the person's own current one excepted when
 * they unlink it themselves). An administrator unlinking also withdraws their switch to SSO, so the next SSO sign-in
 * cannot silently link the account again.
 */
export async function unlinkSso(
  db: Database,
  context: AuditContext,
  input: { userId: string; providerId: string; by: 'self' | 'admin'; keepSessionId?: string | null },
): Promise<void> {
  if (!isUuid(input.providerId)) throw linkNotFound();
  await db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(ssoIdentities)
      .where(and(eq(ssoIdentities.userId, input.userId), eq(ssoIdentities.providerId, input.providerId)))
      .returning({ providerId: ssoIdentities.providerId });
    if (!removed) throw linkNotFound();
    const switched =
      input.by === 'admin' ? await tx.delete(ssoSwitchedAccounts).where(eq(ssoSwitchedAccounts.userId, input.userId)).returning() : [];
    const ended = await endSessionsSignedInThroughSso(tx, input.userId, { providerId: input.providerId, keepSessionId: input.keepSessionId ?? null });
    await recordAudit(tx, context, {
      action: 'sso.identity_unlinked',
      targetType: 'user',
      targetId: input.userId,
      details: { providerId: input.providerId, by: input.by, sessionsEnded: ended, switchWithdrawn: switched.length > 0 },
    });
  });
}


async function lockManagedUser(tx: Database, actor: Actor, userId: string) {
  if (!isUuid(userId)) throw userNotFound();
  const [found] = await tx
    .select({ row: users, permissions: userPermissions, usesSso: sql<boolean>`(exists (select 1 from sso_switched_accounts s where s.user_id = "users"."id")
        or exists (select 1 from sso_identities i where i.user_id = "users"."id"))` })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)))
    .for('update', { of: users });
  if (!found) throw userNotFound();
  authorizeManaging(actor, found);
  return found;
}

/** An administrator removes a link (seed 002: holders of users.update, from the users page). */
export async function unlinkSsoAsAdmin(db: Database, context: AuditContext, actor: Actor, userId: string, providerId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockManagedUser(tx, actor, userId);
    await unlinkSso(tx, context, { userId, providerId, by: 'admin' });
  });
}

export const SIGN_IN_METHODS = ['local', 'sso'] as const;
export type SignInMethodChoice = (typeof SIGN_IN_METHODS)[number];

/**
 * Edit User → Authentication method (seed 004). To SSO: the password stops working and the account is linked at the
 * next SSO sign-in whose provider-verified email is the account's. Back to Local: the SSO links go and the person
 * signs in with a password again (Pending Setup until they set one, if they never had one).
 */
export async function switchAuthMethod(
  db: Database,
  context: AuditContext,
  actor: Actor,
  userId: string,
  method: SignInMethodChoice,
): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    const { row, usesSso } = await lockManagedUser(tx, actor, userId);
    if (row.status === 'revoked') {
      throw new FoyerError(409, 'account_revoked', 'This account was revoked. Revoking cannot be undone; the person can join again as a new account.');
    }
    if ((method === 'sso') === usesSso) return { changed: false };
    if (method === 'sso') {
      await tx.insert(ssoSwitchedAccounts).values({ userId, switchedAt: context.now });
      await setPasswordHash(tx, userId, null, context.now);
    } else {
      await tx.delete(ssoSwitchedAccounts).where(eq(ssoSwitchedAccounts.userId, userId));
      await tx.delete(ssoIdentities).where(eq(ssoIdentities.userId, userId));
      await endSessionsSignedInThroughSso(tx, userId, { keepSessionId: null });
    }
    await recordAudit(tx, context, {
      action: 'user.auth_method_changed',
      targetType: 'user',
      targetId: userId,
      details: { from: usesSso ? 'sso' : 'local', to: method },
    });
    return { changed: true };
  });
}

/**
 * A revoked or deleted account gives up its single sign-on identities, so the person can join again as a new
 * account through the same identity. Disabling keeps them for when the account is enabled again.
 */
registerAccessHolder({
  name: 'sso_identities',
  ignores: ['disabled', 'signed_out_everywhere', 'sessions_ended_by_admin'],
  async end(tx, { userId }) {
    const unlinked = await tx.delete(ssoIdentities).where(eq(ssoIdentities.userId, userId)).returning({ userId: ssoIdentities.userId });
    return unlinked.length;
  },
});
