import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { authorize, authorizeSeeingPeople, type Actor } from '../accounts/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { domainOf, isEmailDomainAllowed } from '../settings/index.js';
import { mailOutbox, type MailRow, type MailStatus } from './schema.js';
import { mailInstance } from './settings.js';
import { escapeHtml, renderMail, type RenderedMail, type TemplateData, type TemplateName } from './templates.js';

export interface MailRequest<K extends TemplateName> {
  to: string;
  template: K;
  data: TemplateData[K];
}

export interface EnqueuedMail {
  id: string;
  /** `blocked`: the recipient's domain is not allowed, the message will never be sent; `reason` says so in words. */
  status: 'queued' | 'blocked';
  reason: string | null;
}

/**
 * Puts a message in the outbox. Pass the transaction of the change that causes the mail: the message then exists
 * exactly when that change commits. A worker delivers it within a couple of seconds; call `wakeMailWorkers()` (./worker.ts)
 * after the commit to have it go out at once. The caller reports `blocked` to whoever triggered the mail.
 */
export async function enqueueMail<K extends TemplateName>(db: Database, config: Config, request: MailRequest<K>): Promise<EnqueuedMail> {
  const { to, rendered, allowed } = await prepareMail(db, config, request);
  const now = new Date();
  if (!allowed) {
    const reason = blockedReason(to);
    const row = await insertMail(db, { to, template: request.template, rendered: redact(rendered, BLOCKED_MARK), status: 'blocked', now, lastError: reason });
    return { id: row.id, status: 'blocked', reason };
  }
  const row = await insertMail(db, { to, template: request.template, rendered, status: 'queued', now });
  return { id: row.id, status: 'queued', reason: null };
}

/**
 * The work of `enqueueMail` without the mail: the same reads, the same rendering and an insert into the outbox that
 * adds no row. Enumeration-sensitive paths (forgot password, a repeated access request) call it where the other
 * answer would enqueue a message, so the database and the CPU see the same work whether or not anyone is mailed.
 */
export async function enqueueDecoyMail<K extends TemplateName>(db: Database, config: Config, request: MailRequest<K>): Promise<void> {
  const { to, rendered } = await prepareMail(db, config, request);
  const now = new Date();
  await db.execute(sql`insert into ${mailOutbox}
    (recipient, template, subject, text_body, html_body, secret, status, attempts, next_attempt_at, created_at)
    select ${to}, ${request.template}, ${rendered.subject}, ${rendered.text}, ${rendered.html}, ${rendered.secret}, 'queued', 0, ${now}, ${now}
    where false`);
}

async function prepareMail<K extends TemplateName>(db: Database, config: Config, request: MailRequest<K>) {
  const to = request.to.trim();
  const rendered = renderMail(request.template, request.data, await mailInstance(db, config));
  return { to, rendered, allowed: await isEmailDomainAllowed(db, to) };
}

export const blockedReason = (to: string) =>
  `Not sent: ${domainOf(to)} is not on the list of allowed email domains (Settings → Email).`;

export async function insertMail(
  db: Database,
  input: {
    to: string;
    template: TemplateName;
    rendered: RenderedMail;
    status: MailStatus;
    now: Date;
    lastError?: string;
    attempts?: number;
    lockedUntil?: Date;
  },
): Promise<MailRow> {
  const [row] = await db
    .insert(mailOutbox)
    .values({
      recipient: input.to,
      template: input.template,
      subject: input.rendered.subject,
      textBody: input.rendered.text,
      htmlBody: input.rendered.html,
      secret: input.rendered.secret,
      status: input.status,
      attempts: input.attempts ?? 0,
      nextAttemptAt: input.now,
      lockedUntil: input.lockedUntil ?? null,
      lastError: input.lastError ?? null,
      createdAt: input.now,
    })
    .returning();
  return row!;
}

/** A text message put in the dev mailbox beside captured email, for instances without an SMS gateway. */
export async function captureSms(db: Database, message: { to: string; text: string; secret: string; now: Date }): Promise<void> {
  await db.insert(mailOutbox).values({
    recipient: message.to,
    template: 'sms',
    subject: `SMS to ${message.to}`,
    textBody: message.text,
    htmlBody: `<p>${escapeHtml(message.text)}</p>`,
    secret: message.secret,
    status: 'captured',
    nextAttemptAt: message.now,
    createdAt: message.now,
  });
}

export const DELIVERED_MARK = '[removed after delivery]';
const BLOCKED_MARK = '[removed: not sent]';

/**
 * Cuts the message's one secret (its link or code) out of the stored copy. The outbox is for seeing what was sent,
 * not for borrowing someone's password link. Captured (dev mailbox) and failed messages keep theirs: the first are
 * there to be clicked by whoever runs the instance, the second may be retried.
 */
export function redact<T extends { text: string; html: string; secret: string | null }>(message: T, mark: string): T {
  if (!message.secret) return message;
  const secret = message.secret;
  return {
    ...message,
    text: message.text.split(secret).join(mark),
    html: message.html.split(escapeHtml(secret)).join(escapeHtml(mark)).split(secret).join(escapeHtml(mark)),
    secret: null,
  };
}

export const outboxItemSchema = z
  .object({
    id: z.string(),
    to: z.string(),
    template: z.string(),
    subject: z.string(),
    status: z.enum(['queued', 'sending', 'sent', 'failed', 'blocked', 'captured']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable().describe('When the next delivery attempt is due; only while queued'),
  })
  .meta({ id: 'OutboxMessage' });

export const outboxDetailSchema = outboxItemSchema
  .extend({
    text: z.string(),
    html: z.string(),
    links: z.array(z.string()).describe('Every link in the message, in order'),
  })
  .meta({ id: 'OutboxMessageDetail' });

const toItem = (row: MailRow): z.infer<typeof outboxItemSchema> => ({
  id: row.id,
  to: row.recipient,
  template: row.template,
  subject: row.subject,
  status: row.status,
  attempts: row.attempts,
  lastError: row.lastError,
  createdAt: row.createdAt.toISOString(),
  sentAt: row.sentAt?.toISOString() ?? null,
  nextAttemptAt: row.status === 'queued' ? row.nextAttemptAt.toISOString() : null,
});

const outboxCursor = z.tuple([z.iso.datetime(), z.uuid()]);

/**
 * The outbox names other people and holds their mail, some of it with a link that signs them in. It takes a
 * permission of its own (`mail.read`, not `settings.manage`), and an External user never reads it whatever their
 * roles say (seed 003: External users never see other people's names or emails).
 */
function authorizeReadingMail(actor: Actor): void {
  authorize(actor, 'mail.read');
  authorizeSeeingPeople(actor);
}

/** Newest first. */
export async function listOutbox(db: Database, actor: Actor, query: { status?: MailStatus; limit: number; cursor?: string }) {
  authorizeReadingMail(actor);
  const after = decodeCursor(query.cursor, outboxCursor);
  const conditions: (SQL | undefined)[] = [
    query.status ? eq(mailOutbox.status, query.status) : undefined,
    after ? sql`(${mailOutbox.createdAt}, ${mailOutbox.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
  ];
  const rows = await db
    .select()
    .from(mailOutbox)
    .where(and(...conditions))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: page.items.map(toItem), nextCursor: page.nextCursor };
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/g;

export const HIDDEN_MARK = '[link hidden: shown only in the dev mailbox of an instance in development mode]';

/**
 * A message as stored still carries its live link while it waits to be delivered (and when delivery failed, so it can
 * be retried). Through the API that link shows only where it exists to be clicked: a captured message in the dev
 * mailbox of an instance in development mode. Everywhere else the reader sees the message with the link cut out.
 */
export async function getOutboxMessage(db: Database, config: Config, actor: Actor, id: string): Promise<z.infer<typeof outboxDetailSchema>> {
  authorizeReadingMail(actor);
  const row = z.uuid().safeParse(id).success ? (await db.select().from(mailOutbox).where(eq(mailOutbox.id, id)))[0] : undefined;
  if (!row) throw notFound('This message');
  const stored = { text: row.textBody, html: row.htmlBody, secret: row.secret };
  const shown = row.status === 'captured' && !config.production ? stored : redact(stored, HIDDEN_MARK);
  // Normalised, so the signature's bare origin and a button's "…/" count as one link.
  const links = (shown.text.match(URL_IN_TEXT) ?? []).filter((link) => URL.canParse(link)).map((link) => new URL(link).toString());
  return { ...toItem(row), text: shown.text, html: shown.html, links: [...new Set(links)] };
}

/** Puts a failed message back in the queue for a fresh round of attempts. */
export async function retryMail(db: Database, context: AuditContext, actor: Actor, id: string): Promise<MailRow> {
  authorizeReadingMail(actor);
  if (!z.uuid().safeParse(id).success) throw notFound('This message');
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(mailOutbox)
      .set({ status: 'queued', attempts: 0, nextAttemptAt: context.now, lastError: null, lockedUntil: null })
      .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'failed')))
      .returning();
    if (!row) {
      const [existing] = await tx.select({ status: mailOutbox.status }).from(mailOutbox).where(eq(mailOutbox.id, id));
      if (!existing) throw notFound('This message');
      throw new FoyerError(409, 'mail_not_failed', `Only failed messages can be retried; this one is ${existing.status}.`);
    }
    await recordAudit(tx, context, { action: 'mail.retried', targetType: 'mail', targetId: id, details: { to: row.recipient, template: row.template } });
    return row;
  });
}
