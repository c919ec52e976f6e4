import { and, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../../audit/index.js';
import { enqueueMail, mailInstance } from '../../mail/index.js';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { consumeRateLimit } from '../../platform/rate-limits/limiter.js';
import { secretBox } from '../../platform/secrets.js';
import { consumeCode, issueCode, type CodeChannel, type CodePurpose } from './codes.js';
import { regenerateRecoveryCodes, remainingRecoveryCodes } from './recovery-codes.js';
import { mfaMethods, mfaTotpUsedSteps, type MfaMethod } from './schema.js';
import { readMfaSettings, type MfaSettings } from './settings.js';
import { smsSenderFor, type SmsLog } from './sms.js';
import { describeTotpEnrolment, matchingTotpStep, newTotpSecret, type TotpEnrolment } from './totp.js';

export type MethodRow = typeof mfaMethods.$inferSelect;

const totpPurpose = (userId: string) => `mfa.totp:${userId}`;

export async function confirmedMethodsOf(db: Database, userId: string): Promise<MethodRow[]> {
  return db
    .select()
    .from(mfaMethods)
    .where(and(eq(mfaMethods.userId, userId), isNotNull(mfaMethods.confirmedAt)))
    .orderBy(mfaMethods.kind);
}

/** Confirmed methods the instance still allows: a method the administrator switched off is no way in. */
export const usableKinds = (methods: MethodRow[], settings: MfaSettings): MfaMethod[] =>
  methods.filter((m) => settings.allowedMethods.includes(m.kind)).map((m) => m.kind);

export const methodNotAllowed = () =>
  new FoyerError(409, 'mfa_method_not_allowed', 'Your administrator does not allow this kind of second factor.');

async function methodRow(db: Database, userId: string, kind: MfaMethod): Promise<MethodRow | undefined> {
  const [row] = await db.select().from(mfaMethods).where(and(eq(mfaMethods.userId, userId), eq(mfaMethods.kind, kind)));
  return row;
}

/**
 * Checks a TOTP code against the confirmed (or, while enrolling, the pending) secret and records its time step. The
 * step's primary key makes the check-and-record atomic, so a code works once however many requests race with it.
 */
export async function consumeTotpCode(
  db: Database,
  config: Config,
  input: { userId: string; code: string; now: Date; enrolling?: boolean },
): Promise<boolean> {
  const row = await methodRow(db, input.userId, 'totp');
  if (!row?.secretSealed || Boolean(row.confirmedAt) === Boolean(input.enrolling)) return false;
  const secret = secretBox(config).open(row.secretSealed, totpPurpose(input.userId));
  const step = matchingTotpStep(secret, input.code, input.now);
  if (step === null) return false;
  const recorded = await db
    .insert(mfaTotpUsedSteps)
    .values({ userId: input.userId, step, usedAt: input.now })
    .onConflictDoNothing()
    .returning({ step: mfaTotpUsedSteps.step });
  if (recorded.length === 0) return false;
  // Steps older than the window can never match again, so they need not be remembered.
  await db.delete(mfaTotpUsedSteps).where(and(eq(mfaTotpUsedSteps.userId, input.userId), lt(mfaTotpUsedSteps.step, step - 2)));
  await db.update(mfaMethods).set({ lastUsedAt: input.now }).where(eq(mfaMethods.id, row.id));
  return true;
}

/** Checks an email or SMS code of a confirmed method (sign-in) and notes the method's use. */
export async function consumeChannelCode(
  db: Database,
  input: { userId: string; channel: CodeChannel; purpose: CodePurpose; code: string; now: Date },
): Promise<boolean> {
  const ok = await consumeCode(db, input, input.code, input.now);
  if (ok && input.purpose === 'sign_in') {
    await db
      .update(mfaMethods)
      .set({ lastUsedAt: input.now })
      .where(and(eq(mfaMethods.userId, input.userId), eq(mfaMethods.kind, input.channel)));
  }
  return ok;
}

const methodExists = () =>
  new FoyerError(409, 'mfa_method_exists', 'This second factor is already set up. Remove it first to set it up again.');

/**
 * Records (or restarts) an unconfirmed method in one conditional upsert: a method confirmed meanwhile, even by a
 * request committing at this very moment, is never overwritten, and the caller gets 409 instead.
 */
async function recordPendingMethod(db: Database, values: typeof mfaMethods.$inferInsert): Promise<void> {
  const { userId: _user, kind: _kind, ...restart } = values;
  const written = await db
    .insert(mfaMethods)
    .values(values)
    .onConflictDoUpdate({ target: [mfaMethods.userId, mfaMethods.kind], set: restart, setWhere: isNull(mfaMethods.confirmedAt) })
    .returning({ id: mfaMethods.id });
  if (written.length === 0) throw methodExists();
}

/** Starts (or restarts) TOTP enrolment: a new secret that counts only once a code from it is entered. */
export async function startTotpEnrolment(
  db: Database,
  config: Config,
  user: { id: string; email: string },
  now: Date,
): Promise<TotpEnrolment> {
  const settings = await readMfaSettings(db);
  if (!settings.allowedMethods.includes('totp')) throw methodNotAllowed();
  const secret = newTotpSecret();
  const secretSealed = secretBox(config).seal(secret, totpPurpose(user.id));
  await recordPendingMethod(db, { userId: user.id, kind: 'totp', secretSealed, createdAt: now });
  const issuer = (await mailInstance(db, config)).name;
  return describeTotpEnrolment(secret, user.email, issuer);
}

const E164 = /^\+[1-9]\d{6,14}$/;

/** What people type (`+44 20 7946 0958`, `(555) 010-1234` with a +1) reduced to E.164. */
export function normalisePhone(input: string): string {
  const phone = input.replace(/[\s().-]/g, '');
  if (!E164.test(phone)) {
    throw new FoyerError(400, 'validation_failed', 'Some fields are missing or invalid.', {
      details: { fields: { phone: 'must be a phone number in international format, such as +44 20 7946 0958' } },
    });
  }
  return phone;
}

/** Shown in lists so a screenshot does not give the number away. */
export const maskPhone = (phone: string) => `${phone.slice(0, 3)}${'•'.repeat(Math.max(0, phone.length - 5))}${phone.slice(-2)}`;

export interface CodeDelivery {
  userId: string;
  name: string;
  email: string;
  channel: CodeChannel;
  purpose: CodePurpose;
  /** SMS only. */
  phone?: string;
}

const emailNotSent = (reason: string | null) =>
  new FoyerError(409, 'mfa_code_not_sent', reason ?? 'The code could not be emailed.');

// Each message costs someone a mail or a text: a few per quarter hour is plenty for a person, and stops a script.
const SEND_LIMIT = { limit: 5, windowMs: 15 * 60_000 };

/**
 * Issues a fresh code and sends it by email (through the outbox, in this transaction) or SMS (after the code is
 * stored: a gateway that fails leaves only an unusable code behind). Returns where it went, for the reply.
 */
export async function sendCode(db: Database, config: Config, delivery: CodeDelivery, now: Date, log?: SmsLog): Promise<{ sentTo: string }> {
  await consumeRateLimit(db, `mfa:send:${delivery.userId}`, SEND_LIMIT, now);
  if (delivery.channel === 'email') {
    return db.transaction(async (tx) => {
      const { code, expiresAt } = await issueCode(tx, delivery, now);
      const mail = await enqueueMail(tx, config, {
        to: delivery.email,
        template: delivery.purpose === 'enrol' ? 'email_verification_code' : 'email_2fa_code',
        data: { name: delivery.name, code, expiresAt },
      });
      if (mail.status === 'blocked') throw emailNotSent(mail.reason);
      return { sentTo: delivery.email };
    });
  }
  const phone = delivery.phone!;
  const { code } = await issueCode(db, delivery, now);
  const instance = (await mailInstance(db, config)).name;
  const settings = await readMfaSettings(db);
  await smsSenderFor(db, settings, log).send({
    to: phone,
    text: `${code} is your ${instance} code. It works for 10 minutes. Do not share it.`,
    secret: code,
  });
  return { sentTo: maskPhone(phone) };
}

/** Starts email or SMS enrolment: records the (unconfirmed) method and sends a code to prove it reaches the person. */
export async function startChannelEnrolment(
  db: Database,
  config: Config,
  user: { id: string; name: string; email: string },
  input: { channel: CodeChannel; phone?: string },
  now: Date,
  log?: SmsLog,
): Promise<{ sentTo: string }> {
  const settings = await readMfaSettings(db);
  if (!settings.allowedMethods.includes(input.channel)) throw methodNotAllowed();
  if (input.channel === 'sms' && config.production && !settings.smsWebhookUrl) {
    throw new FoyerError(409, 'sms_not_configured', 'Text messages are not set up on this instance. Ask your administrator.');
  }
  const phone = input.channel === 'sms' ? normalisePhone(input.phone ?? '') : null;
  await recordPendingMethod(db, { userId: user.id, kind: input.channel, phone, createdAt: now });
  return sendCode(db, config, { userId: user.id, name: user.name, email: user.email, channel: input.channel, purpose: 'enrol', ...(phone ? { phone } : {}) }, now, log);
}

export const invalidCode = () => new FoyerError(400, 'invalid_mfa_code', 'That code is not correct or has expired.', { details: { fields: { code: 'is not correct or has expired' } } });

const nothingToConfirm = () =>
  new FoyerError(409, 'mfa_enrolment_not_started', 'Start setting up this second factor first: nothing is waiting for a code.');

/**
 * Confirms an enrolment with a code from the new method. The first method a person sets up also gives them their
 * recovery codes, shown once in the reply.
 */
export async function confirmEnrolment(
  tx: Database,
  config: Config,
  context: AuditContext,
  input: { userId: string; kind: MfaMethod; code: string },
): Promise<{ recoveryCodes: string[] | null }> {
  const row = await methodRow(tx, input.userId, input.kind);
  if (!row || row.confirmedAt) throw nothingToConfirm();
  const ok =
    input.kind === 'totp'
      ? await consumeTotpCode(tx, config, { userId: input.userId, code: input.code, now: context.now, enrolling: true })
      : await consumeCode(tx, { userId: input.userId, channel: input.kind, purpose: 'enrol' }, input.code, context.now);
  if (!ok) throw invalidCode();
  const confirmed = await tx
    .update(mfaMethods)
    .set({ confirmedAt: context.now })
    .where(and(eq(mfaMethods.id, row.id), eq(mfaMethods.userId, input.userId), isNull(mfaMethods.confirmedAt)))
    .returning({ id: mfaMethods.id });
  if (confirmed.length === 0) throw nothingToConfirm();
  await recordAudit(tx, context, {
    action: 'mfa.method_added',
    targetType: 'user',
    targetId: input.userId,
    details: { method: input.kind, ...(row.phone ? { phone: maskPhone(row.phone) } : {}) },
  });
  const recoveryCodes = (await remainingRecoveryCodes(tx, input.userId)) === 0 ? await regenerateRecoveryCodes(tx, input.userId, context.now) : null;
  if (recoveryCodes) {
    await recordAudit(tx, context, { action: 'mfa.recovery_codes_generated', targetType: 'user', targetId: input.userId });
  }
  return { recoveryCodes };
}

/**
 * Removes a method. When two-factor is required, the last usable method cannot go: its owner would lock themselves
 * out at their next sign-in.
 */
export async function removeMethod(tx: Database, context: AuditContext, input: { userId: string; kind: MfaMethod }): Promise<void> {
  const settings = await readMfaSettings(tx);
  // Locks the person's methods, so two concurrent removals cannot each see the other as the remaining one.
  const rows = await tx.select().from(mfaMethods).where(eq(mfaMethods.userId, input.userId)).for('update');
  const target = rows.find((m) => m.kind === input.kind);
  if (!target) throw new FoyerError(404, 'not_found', 'This second factor was not found.');
  const usableAfter = usableKinds(
    rows.filter((m) => m.confirmedAt && m.id !== target.id),
    settings,
  );
  if (settings.required && target.confirmedAt && usableAfter.length === 0) {
    throw new FoyerError(409, 'last_mfa_method', 'Two-factor authentication is required here: set up another method before removing this one.');
  }
  await tx.delete(mfaMethods).where(eq(mfaMethods.id, target.id));
  if (target.kind === 'totp') await tx.delete(mfaTotpUsedSteps).where(eq(mfaTotpUsedSteps.userId, input.userId));
  if (target.confirmedAt) {
    await recordAudit(tx, context, { action: 'mfa.method_removed', targetType: 'user', targetId: input.userId, details: { method: input.kind } });
  }
}
