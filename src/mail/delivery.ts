import { and, asc, count, eq, inArray, lt, lte, or, sql } from 'drizzle-orm';
import nodemailer, { type NodemailerError } from 'nodemailer';
import { recordAudit, type AuditContext } from '../audit/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { isEmailDomainAllowed } from '../settings/index.js';
import { blockedReason, DELIVERED_MARK, insertMail, redact } from './outbox.js';
import { mailOutbox, type MailRow } from './schema.js';
import { mailInstance, resolveMailDelivery, type MailDelivery, type SmtpOptions } from './settings.js';
import { renderMail } from './templates.js';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The one thing delivery needs from nodemailer; tests and other transports can stand in. */
export interface MailTransport {
  sendMail(message: OutgoingMail): Promise<unknown>;
  close(): void;
}

export type TransportFactory = (options: SmtpOptions) => MailTransport;

export const nodemailerTransport: TransportFactory = (options) => nodemailer.createTransport(options);

/** Attempts before a message that keeps failing for passing reasons is given up as failed. */
export const MAX_ATTEMPTS = 8;
/** A claim lasts this long; a worker that dies mid-send leaves the message to be picked up again after it. */
export const LEASE_MS = 5 * 60 * 1000;
const FIRST_RETRY_MS = 30 * 1000;
const LONGEST_RETRY_MS = 60 * 60 * 1000;

/** 30 s, 1 min, 2 min, … doubling up to an hour, after the n-th failed attempt. */
export const retryDelayMs = (attempts: number) => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);

/**
 * An SMTP failure in words an administrator can act on, and whether trying again could help. A 5xx reply rejects
 * this message for good; refused credentials are a setting to fix rather than a verdict on the message, so they
 * are retried like an outage.
 */
export function describeSmtpError(error: unknown, server: string): { reason: string; permanent: boolean } {
  const e = (error ?? {}) as NodemailerError;
  const said = e.response ? ` The server said: ${e.response.trim().slice(0, 500)}` : '';
  const code = e.originalCode ?? e.code;
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return { reason: `The SMTP server ${server} did not accept the username and password.${said}`, permanent: false };
  }
  if (e.responseCode) {
    const permanent = e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503);
    return permanent
      ? { reason: `The SMTP server ${server} rejected the message.${said}`, permanent: true }
      : { reason: `The SMTP server ${server} turned the message away for now.${said}`, permanent: false };
  }
  const words: Record<string, string> = {
    ECONNREFUSED: `Nothing accepts connections at ${server}. Is the SMTP server running, and are the host and port right?`,
    ENOTFOUND: `The SMTP server name in ${server} cannot be found.`,
    EDNS: `The SMTP server name in ${server} cannot be found.`,
    ETIMEDOUT: `The SMTP server ${server} did not answer in time.`,
    ETLS: `The secure connection to ${server} could not be set up: ${e.message}. Check the TLS mode and port.`,
    ECONNRESET: `The SMTP server ${server} closed the connection.`,
  };
  return { reason: (code && words[code]) || `Sending through ${server} failed: ${e.message ?? String(error)}`, permanent: false };
}

/** How many messages wait to be sent or are being sent, across all instances (the queue depth metric). */
export async function waitingMailCount(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(mailOutbox).where(inArray(mailOutbox.status, ['queued', 'sending']));
  return row?.n ?? 0;
}

/**
 * Claims up to `limit` due messages for this worker: queued ones whose time has come, and sending ones whose
 * claim lapsed. SKIP LOCKED lets any number of instances claim at once without waiting on or taking each
 * other's rows; the claim counts as an attempt, so a message that crashes its worker every time still runs out.
 */
export async function claimDueMail(db: Database, now: Date, limit: number, leaseMs = LEASE_MS): Promise<MailRow[]> {
  const due = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      or(
        and(eq(mailOutbox.status, 'queued'), lte(mailOutbox.nextAttemptAt, now)),
        and(eq(mailOutbox.status, 'sending'), lt(mailOutbox.lockedUntil, now)),
      ),
    )
    .orderBy(asc(mailOutbox.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(mailOutbox)
    .set({ status: 'sending', lockedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${mailOutbox.attempts} + 1` })
    .where(inArray(mailOutbox.id, due))
    .returning();
}

export const CAPTURED_LOG_MESSAGE = 'mail captured in the dev mailbox, not delivered: no SMTP server is configured (see the Mail page)';

export type DeliveryOutcome =
  | { status: 'sent' | 'captured' }
  | { status: 'queued' | 'failed'; reason: string }
  /** Another worker took the message over after this one's claim lapsed; its result is not ours to record. */
  | { status: 'lost' };

/**
 * Delivers one claimed message and records the result. Every write is conditional on the claim still being ours
 * (status `sending` with the attempt count we claimed it at).
 */
export async function deliverClaimed(
  db: Database,
  row: MailRow,
  delivery: MailDelivery,
  transport: MailTransport | null,
  now: () => Date,
  options: { retry: boolean } = { retry: true },
): Promise<DeliveryOutcome> {
  const ours = and(eq(mailOutbox.id, row.id), eq(mailOutbox.status, 'sending'), eq(mailOutbox.attempts, row.attempts));
  const record = async (set: Partial<typeof mailOutbox.$inferInsert>) =>
    (await db.update(mailOutbox).set({ lockedUntil: null, ...set }).where(ours).returning({ id: mailOutbox.id })).length > 0;

  if (delivery.mode === 'captured' || !transport) {
    return (await record({ status: 'captured', lastError: null })) ? { status: 'captured' } : { status: 'lost' };
  }
  try {
    await transport.sendMail({ from: delivery.from, to: row.recipient, subject: row.subject, text: row.textBody, html: row.htmlBody });
  } catch (error) {
    const { reason, permanent } = describeSmtpError(error, delivery.server);
    if (options.retry && !permanent && row.attempts < MAX_ATTEMPTS) {
      const recorded = await record({ status: 'queued', lastError: reason, nextAttemptAt: new Date(now().getTime() + retryDelayMs(row.attempts)) });
      return recorded ? { status: 'queued', reason } : { status: 'lost' };
    }
    const final = permanent || !options.retry ? reason : `Gave up after ${row.attempts} attempts. ${reason}`;
    return (await record({ status: 'failed', lastError: final })) ? { status: 'failed', reason: final } : { status: 'lost' };
  }
  const stored = redact({ text: row.textBody, html: row.htmlBody, secret: row.secret }, DELIVERED_MARK);
  const recorded = await record({ status: 'sent', sentAt: now(), lastError: null, textBody: stored.text, htmlBody: stored.html, secret: null });
  return recorded ? { status: 'sent' } : { status: 'lost' };
}

/**
 * Settings → Email → Send test email: goes through the outbox like any message (so it shows on the Mail page) but
 * is delivered right here, once, so the administrator reads the SMTP server's answer at once.
 */
export async function sendTestMail(
  db: Database,
  config: Config,
  context: AuditContext,
  input: { to: string; requestedBy: string },
  createTransport: TransportFactory = nodemailerTransport,
): Promise<{ id: string; status: 'sent' | 'captured' }> {
  const delivery = await resolveMailDelivery(db, config);
  const to = input.to.trim();
  const { row, blocked } = await db.transaction(async (tx) => {
    const rendered = renderMail('test', { requestedBy: input.requestedBy }, await mailInstance(tx, config));
    const allowed = await isEmailDomainAllowed(tx, to);
    const inserted = allowed
      ? await insertMail(tx, { to, template: 'test', rendered, status: 'sending', now: context.now, attempts: 1, lockedUntil: new Date(context.now.getTime() + LEASE_MS) })
      : await insertMail(tx, { to, template: 'test', rendered, status: 'blocked', now: context.now, lastError: blockedReason(to) });
    await recordAudit(tx, context, {
      action: 'mail.test_sent',
      targetType: 'mail',
      targetId: inserted.id,
      details: { to, delivery: allowed ? delivery.mode : 'blocked' },
    });
    return { row: inserted, blocked: !allowed };
  });
  if (blocked) {
    throw new FoyerError(422, 'email_domain_not_allowed', blockedReason(to), { details: { id: row.id, fields: { to: 'is not on an allowed domain' } } });
  }
  const transport = delivery.mode === 'smtp' ? createTransport(delivery.transport) : null;
  try {
    const outcome = await deliverClaimed(db, row, delivery, transport, () => new Date(), { retry: false });
    if (outcome.status === 'sent' || outcome.status === 'captured') return { id: row.id, status: outcome.status };
    const reason = 'reason' in outcome ? outcome.reason : 'The message was taken over by another worker.';
    throw new FoyerError(422, 'smtp_failed', `The test email could not be sent. ${reason}`, { details: { id: row.id, reason } });
  } finally {
    transport?.close();
  }
}
