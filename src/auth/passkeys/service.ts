import { generateRegistrationOptions, verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { credentialSaved } from '../credentials.js';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import { isUniqueViolation, type Database } from '../../platform/db.js';
import { FoyerError, notFound } from '../../platform/errors.js';
import { isoDate, isoOrNull } from '../../platform/http.js';
import { isUuid } from '../../platform/ids.js';
import { users, type Actor } from '../../accounts/index.js';
import { requireRecentSignIn } from '../recent-sign-in.js';
import { describeUserAgent } from '../sessions/user-agent.js';
import { CHALLENGE_TTL_MS, consumeChallenge, storeChallenge, type RelyingParty } from './challenges.js';
import { passkeys, PASSKEY_DEVICE_TYPES, type PasskeyRow } from './schema.js';

export const passkeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    /** Synced passkeys (multiDevice) survive the loss of one device; singleDevice ones do not. */
    deviceType: z.enum(PASSKEY_DEVICE_TYPES),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
    /** When the passkey reported a use count that went backwards; such a passkey can no longer sign in. */
    signCountRegressedAt: z.string().nullable(),
  })
  .meta({ id: 'Passkey' });

export type PasskeyView = z.infer<typeof passkeySchema>;

export const toPasskeyView = (p: PasskeyRow): PasskeyView => ({
  id: p.id,
  name: p.name,
  createdAt: isoDate(p.createdAt),
  lastUsedAt: isoOrNull(p.lastUsedAt),
  deviceType: p.deviceType,
  backedUp: p.backedUp,
  transports: p.transports,
  signCountRegressedAt: isoOrNull(p.signCountRegressedAt),
});

/** The WebAuthn user handle: the account id's 16 bytes, which never change even when the email does. */
export const userHandleOf = (userId: string): string => Buffer.from(userId.replace(/-/g, ''), 'hex').toString('base64url');

export const passkeyNotFound = () => notFound('The passkey');

const notVerified = () =>
  new FoyerError(400, 'passkey_not_verified', 'Your browser’s passkey response could not be verified. Please try again.');

/** An account holds few passkeys; the list is complete in one reply. */
export async function listPasskeys(db: Database, userId: string): Promise<PasskeyRow[]> {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id));
}

/**
 * Whether the account in the surrounding query on `users` has a passkey: the one condition behind "is this account
 * set up" at sign-in and the Passkey badge of the users list. Each column is named with its table: in a select from
 * one table, Drizzle writes columns unqualified, and a bare "id" inside the subquery would be the passkey's own.
 */
export const hasPasskeySql = sql<boolean>`exists (select 1 from ${passkeys} where ${passkeys}.${sql.identifier(passkeys.userId.name)} = ${users}.${sql.identifier(users.id.name)})`;

export async function countPasskeys(db: Database, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
  return row?.n ?? 0;
}

function sessionOf(actor: Actor): string {
  // API tokens already fail the recent sign-in check; this keeps the type honest.
  if (!actor.sessionId) throw new FoyerError(403, 'reauthentication_required', 'Passkeys can only be managed from a signed-in browser.');
  return actor.sessionId;
}

export async function passkeyRegistrationOptions(
  db: Database,
  rp: RelyingParty,
  actor: Actor,
  now: Date,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  requireRecentSignIn(actor, now);
  const sessionId = sessionOf(actor);
  const existing = await listPasskeys(db, actor.user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: actor.user.email,
    userDisplayName: actor.user.name,
    userID: Buffer.from(userHandleOf(actor.user.id), 'base64url'),
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    // The same authenticator twice would only confuse the list.
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    // Discoverable and user-verified: the passkey alone signs in, without a username or a second factor.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await storeChallenge(db, { challenge: options.challenge, purpose: 'registration', userId: actor.user.id, sessionId, now });
  return options;
}

/** Verifies a registration response against the challenge this session asked for, then stores the passkey. */
export async function registerPasskey(
  db: Database,
  context: AuditContext,
  rp: RelyingParty,
  actor: Actor,
  input: { name?: string | undefined; response: RegistrationResponseJSON },
): Promise<PasskeyRow> {
  requireRecentSignIn(actor, context.now);
  const sessionId = sessionOf(actor);
  const challenge = await consumeChallenge(db, {
    clientDataJSON: input.response.response.clientDataJSON,
    purpose: 'registration',
    now: context.now,
  });
  if (challenge.userId !== actor.user.id || challenge.sessionId !== sessionId) throw notVerified();
  let info;
  try {
    const verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    info = verification.registrationInfo;
  } catch {
    throw notVerified();
  }
  if (!info) throw notVerified();
  const name = input.name?.trim() || describeUserAgent(context.userAgent).label;
  return db.transaction(async (tx) => {
    let row: PasskeyRow | undefined;
    try {
      [row] = await tx
        .insert(passkeys)
        .values({
          userId: actor.user.id,
          credentialId: info.credential.id,
          publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
          signCount: info.credential.counter,
          transports: input.response.response.transports ?? [],
          backedUp: info.credentialBackedUp,
          deviceType: info.credentialDeviceType,
          name,
          createdAt: context.now,
        })
        .returning();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new FoyerError(409, 'passkey_already_registered', 'This passkey is already registered.');
      }
      throw error;
    }
    await recordAudit(tx, context, {
      action: 'passkey.registered',
      targetType: 'user',
      targetId: actor.user.id,
      details: { passkeyId: row!.id, name, deviceType: info.credentialDeviceType },
    });
    await credentialSaved(tx, { userId: actor.user.id, kind: 'passkey', context });
    return row!;
  });
}

export async function renamePasskey(
  db: Database,
  context: AuditContext,
  actor: Actor,
  passkeyId: string,
  name: string,
): Promise<PasskeyRow> {
  if (!isUuid(passkeyId)) throw passkeyNotFound();
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: passkeys.name })
      .from(passkeys)
      .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, actor.user.id)))
      .for('update');
    if (!before) throw passkeyNotFound();
    const [row] = await tx.update(passkeys).set({ name }).where(eq(passkeys.id, passkeyId)).returning();
    await recordAudit(tx, context, {
      action: 'passkey.renamed',
      targetType: 'user',
      targetId: actor.user.id,
      details: { passkeyId, name: { from: before.name, to: name } },
    });
    return row!;
  });
}

/**
 * Removes one of the actor's passkeys unless it is the account's last way in (no password and no other passkey).
 * The user row is locked first, so two removals racing over an account's last two passkeys cannot both succeed.
 */
export async function removePasskey(db: Database, context: AuditContext, actor: Actor, passkeyId: string): Promise<void> {
  requireRecentSignIn(actor, context.now);
  if (!isUuid(passkeyId)) throw passkeyNotFound();
  await db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.user.id)).for('update');
    const [removed] = await tx
      .delete(passkeys)
      .where(
        and(
          eq(passkeys.id, passkeyId),
          eq(passkeys.userId, actor.user.id),
          sql`(exists (select 1 from users u where u.id = ${actor.user.id} and u.password_hash is not null)
            or exists (select 1 from passkeys other where other.user_id = ${actor.user.id} and other.id <> ${passkeyId}))`,
        ),
      )
      .returning({ id: passkeys.id, name: passkeys.name });
    if (!removed) {
      const [mine] = await tx
        .select({ id: passkeys.id })
        .from(passkeys)
        .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, actor.user.id)));
      if (!mine) throw passkeyNotFound();
      throw new FoyerError(
        409,
        'last_credential',
        'This passkey is your only way to sign in. Add another passkey or set a password before removing it.',
      );
    }
    await recordAudit(tx, context, {
      action: 'passkey.removed',
      targetType: 'user',
      targetId: actor.user.id,
      details: { passkeyId, name: removed.name },
    });
  });
}
