import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import { preparedQuery, type Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { users, type Actor, type UserRow } from '../../accounts/index.js';
import { completeSignIn, type SignInResult } from '../sessions/complete-sign-in.js';
import { markSessionReauthenticated } from '../sessions/service.js';
import { CHALLENGE_TTL_MS, consumeChallenge, storeChallenge, type RelyingParty } from './challenges.js';
import { verifyEs256Assertion } from './es256.js';
import { passkeys, type PasskeyRow } from './schema.js';
import { listPasskeys, userHandleOf } from './service.js';

const passkeyRefused = () =>
  new FoyerError(401, 'invalid_credentials', 'This passkey is not registered with Foyer. Sign in another way, then add it under My account.');

const passkeyFlagged = () =>
  new FoyerError(
    403,
    'passkey_flagged',
    'This passkey was blocked because it may have been copied. Sign in another way, then remove it and add it again.',
  );

/** The same refusals as password sign-in, given only to someone who proved they hold the passkey. */
function refuseInactive(status: string): FoyerError {
  if (status === 'pending_approval') {
    return new FoyerError(403, 'account_pending_approval', 'Your account is awaiting administrator approval.');
  }
  return new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
}

export async function passkeySignInOptions(db: Database, rp: RelyingParty, now: Date): Promise<PublicKeyCredentialRequestOptionsJSON> {
  // No allowCredentials: the browser offers whichever discoverable passkey the person picks, without a username.
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', timeout: CHALLENGE_TTL_MS });
  await storeChallenge(db, { challenge: options.challenge, purpose: 'sign_in', userId: null, sessionId: null, now });
  return options;
}

type Verified = { newCounter: number; backedUp: boolean };

/**
 * Checks signature, origin, rp id, user verification and user handle; throws `refusal` for anything wrong. ES256 keys
 * are checked by es256.ts, any other kind by the library.
 */
async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  passkey: PasskeyRow,
  refusal: () => FoyerError,
): Promise<Verified> {
  const handle = response.response.userHandle;
  if (handle && handle !== userHandleOf(passkey.userId)) throw refusal();
  const es256 = verifyEs256Assertion(response, passkey.publicKey, { challenge, origin: rp.origin, rpId: rp.id });
  if (es256.kind === 'verified') return { newCounter: es256.newCounter, backedUp: es256.backedUp };
  if (es256.kind === 'refused') throw refusal();
  try {
    const { verified, authenticationInfo } = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      // The counter rule is ours (flag and audit rather than just fail), so the library sees no stored count.
      credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: 0, transports: passkey.transports },
      requireUserVerification: true,
    });
    if (!verified) throw refusal();
    return { newCounter: authenticationInfo.newCounter, backedUp: authenticationInfo.credentialBackedUp };
  } catch {
    throw refusal();
  }
}

/**
 * Moves the stored counter forward in one conditional UPDATE. A counter that does not move forward (both zero is
 * allowed: many authenticators never count) means two copies of the key exist: the passkey is flagged and audited
 * in the caller's transaction, and false tells the caller to refuse.
 */
async function advanceSignCount(tx: Database, context: AuditContext, passkey: PasskeyRow, verified: Verified): Promise<boolean> {
  const n = verified.newCounter;
  const [advanced] = await tx
    .update(passkeys)
    .set({ signCount: n, lastUsedAt: context.now, backedUp: verified.backedUp })
    .where(
      and(
        eq(passkeys.id, passkey.id),
        isNull(passkeys.signCountRegressedAt),
        sql`(${passkeys.signCount} < ${n} or (${n} = 0 and ${passkeys.signCount} = 0))`,
      ),
    )
    .returning({ id: passkeys.id });
  if (advanced) return true;
  const [flagged] = await tx
    .update(passkeys)
    .set({ signCountRegressedAt: context.now })
    .where(and(eq(passkeys.id, passkey.id), isNull(passkeys.signCountRegressedAt)))
    .returning({ signCount: passkeys.signCount });
  if (flagged) {
    await recordAudit(tx, context, {
      action: 'passkey.sign_count_regressed',
      targetType: 'user',
      targetId: passkey.userId,
      details: { passkeyId: passkey.id, storedCount: flagged.signCount, reportedCount: n },
    });
  }
  return false;
}

const passkeyWithUser = preparedQuery('foyer_find_passkey', (db, name) =>
  db
    .select({ passkey: passkeys, user: users })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .where(eq(passkeys.credentialId, sql.placeholder('credentialId')))
    .prepare(name),
);

async function findPasskey(db: Database, credentialId: string): Promise<{ passkey: PasskeyRow; user: UserRow } | undefined> {
  const [row] = await passkeyWithUser(db).execute({ credentialId });
  return row && !row.user.deletedAt ? row : undefined;
}

/**
 * Passwordless sign-in with a discoverable passkey. The challenge is spent before anything else, so a response
 * verifies at most once however many times it is sent. Ends in `completeSignIn` like every other way in; a passkey
 * is a strong factor by itself.
 */
export async function signInWithPasskey(
  db: Database,
  context: AuditContext,
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
): Promise<SignInResult> {
  const { challenge } = await consumeChallenge(db, { clientDataJSON: response.response.clientDataJSON, purpose: 'sign_in', now: context.now });
  const found = await findPasskey(db, response.id);
  const fail = async (reason: string, userId?: string) =>
    recordAudit(db, context, {
      action: 'auth.login.failed',
      targetType: userId ? 'user' : undefined,
      targetId: userId,
      details: { method: 'passkey', reason },
    });
  if (!found) {
    await fail('unknown_passkey');
    throw passkeyRefused();
  }
  const { passkey, user } = found;
  let verified: Verified;
  try {
    verified = await verifyAssertion(rp, response, challenge, passkey, passkeyRefused);
  } catch (error) {
    await fail('passkey_not_verified', user.id);
    throw error;
  }
  if (passkey.signCountRegressedAt) {
    await fail('passkey_flagged', user.id);
    throw passkeyFlagged();
  }
  if (user.status !== 'active') {
    await fail(`account_${user.status}`, user.id);
    throw refuseInactive(user.status);
  }
  const result = await db.transaction(async (tx) =>
    (await advanceSignCount(tx, context, passkey, verified)) ? completeSignIn(tx, context, user, { method: 'passkey' }) : null,
  );
  if (!result) throw passkeyFlagged();
  return result;
}

const noPasskeys = () => new FoyerError(409, 'no_passkeys', 'You have no passkeys yet. Confirm it is you with your password instead.');

/** Options to confirm the signed-in person with one of their own passkeys, for this session only. */
export async function passkeyReauthenticationOptions(
  db: Database,
  rp: RelyingParty,
  actor: Actor,
  now: Date,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  if (!actor.sessionId) throw new FoyerError(403, 'forbidden', 'Only a browser session can be re-authenticated.');
  const own = (await listPasskeys(db, actor.user.id)).filter((p) => !p.signCountRegressedAt);
  if (own.length === 0) throw noPasskeys();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'required',
    timeout: CHALLENGE_TTL_MS,
    allowCredentials: own.map((p) => ({ id: p.credentialId, transports: p.transports })),
  });
  await storeChallenge(db, { challenge: options.challenge, purpose: 'reauthentication', userId: actor.user.id, sessionId: actor.sessionId, now });
  return options;
}

const reauthenticationRefused = () =>
  new FoyerError(401, 'reauthentication_failed', 'That passkey could not confirm it is you. Please try again.');

/** Opens the recent-sign-in window of this session once the person proves they hold one of their passkeys. */
export async function reauthenticateWithPasskey(
  db: Database,
  context: AuditContext,
  rp: RelyingParty,
  actor: Actor,
  response: AuthenticationResponseJSON,
): Promise<void> {
  const challenge = await consumeChallenge(db, {
    clientDataJSON: response.response.clientDataJSON,
    purpose: 'reauthentication',
    now: context.now,
  });
  if (challenge.userId !== actor.user.id || challenge.sessionId !== actor.sessionId) throw reauthenticationRefused();
  const found = await findPasskey(db, response.id);
  if (!found || found.passkey.userId !== actor.user.id) throw reauthenticationRefused();
  if (found.passkey.signCountRegressedAt) throw passkeyFlagged();
  const verified = await verifyAssertion(rp, response, challenge.challenge, found.passkey, reauthenticationRefused);
  const ok = await db.transaction(async (tx) => {
    if (!(await advanceSignCount(tx, context, found.passkey, verified))) return false;
    await markSessionReauthenticated(tx, actor.sessionId!, context.now);
    await recordAudit(tx, context, {
      action: 'auth.reauthenticated',
      targetType: 'user',
      targetId: actor.user.id,
      details: { method: 'passkey', passkeyId: found.passkey.id },
    });
    return true;
  });
  if (!ok) throw passkeyFlagged();
}
