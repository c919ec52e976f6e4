import { and, desc, eq, getTableColumns, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { setAccountStatus, users } from '../accounts/index.js';
import { enqueueDecoyMail, enqueueMail } from '../mail/index.js';
import { notifyAdmins } from '../notifications/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import { isoDate, isoOrNull } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { consumeRateLimit } from '../platform/rate-limits/limiter.js';
import { domainOf, isEmailDomainAllowed } from '../settings/index.js';
import {
  ACCESS_REQUEST_SOURCES,
  ACCESS_REQUEST_STATUSES,
  accessRequests,
  accessRequestSearchText,
  type AccessRequestRow,
  type AccessRequestStatus,
} from './schema.js';
import { readRegistrationSettings } from './settings.js';

export { readRegistrationSettings } from './settings.js';

export interface AccessRequestDeps {
  config: Config;
}

/** Per IP address: enough for a few typos, too few to flood the review list or anyone's inbox. */
export const SUBMISSIONS_PER_IP = { limit: 10, windowMs: 60 * 60 * 1000 };

/** A resubmission thanks the requester (and tells the administrators) again only after this long. */
const CONFIRMATION_INTERVAL_MS = 60 * 60 * 1000;

export const emailKeyOf = (email: string) => email.trim().toLowerCase();

export const domainNotAllowed = () =>
  new FoyerError(422, 'email_domain_not_allowed', 'This email domain is not approved — contact your administrator', {
    details: { fields: { email: 'This email domain is not approved — contact your administrator' } },
  });

export const accessRequestNotFound = () => notFound('The access request');

export interface AccessRequestInput {
  email: string;
  name: string;
  message: string;
}

/**
 * The public form. The reply never depends on whether the email has an account or an earlier request, so it tells
 * a visitor nothing about anyone; only the allowed domains, which are the instance's policy, are refused openly.
 * One upsert makes "one live request per email" hold under any concurrency.
 */
export async function submitAccessRequest(
  db: Database,
  context: AuditContext,
  deps: AccessRequestDeps,
  input: AccessRequestInput,
): Promise<void> {
  const settings = await readRegistrationSettings(db);
  if (!settings.accessRequestsEnabled) {
    throw new FoyerError(404, 'access_requests_disabled', 'This instance does not take access requests. Ask your administrator for an invitation.');
  }
  if (settings.ssoVerifiedRequestsRequired) {
    throw new FoyerError(403, 'sso_verification_required', 'Request access by signing in with your organisation’s single sign-on.');
  }
  await consumeRateLimit(db, `access-request:ip:${context.ip ?? 'unknown'}`, SUBMISSIONS_PER_IP, context.now);
  if (!(await isEmailDomainAllowed(db, input.email))) {
    // Refusals are recorded without the address: nothing about the visitor is kept.
    await recordAudit(db, context, { action: 'access_request.refused', details: { reason: 'email_domain_not_allowed', domain: domainOf(input.email) } });
    throw domainNotAllowed();
  }
  await db.transaction(async (tx) => {
    const { request, created, confirm } = await upsertRequest(tx, context, { ...input, source: 'form', userId: null, ssoProviderId: null });
    await recordAudit(tx, context, {
      action: created ? 'access_request.created' : 'access_request.resubmitted',
      targetType: 'access_request',
      targetId: request.id,
      details: { email: request.email, source: 'form' },
    });
    // A resubmission within the hour mails nobody, but does the same work (decoys), so a repeated request cannot be
    // told from a first one by how long it takes.
    const thanks = { to: request.email, template: 'access_request_received' as const, data: { name: request.name } };
    await (confirm ? enqueueMail(tx, deps.config, thanks) : enqueueDecoyMail(tx, deps.config, thanks));
    await notifyAdmins(
      tx,
      deps.config,
      'access_request.created',
      { requesterName: request.name, requesterEmail: request.email, message: request.message },
      { decoy: !confirm },
    );
  });
}

/**
 * Registration through SSO (the SSO feature calls this inside the transaction that created the account in
 * `pending_approval`): the request that lets an administrator approve that account. Administrators are told, the
 * requester is not: the sign-in page already says the account awaits approval.
 */
export async function createSsoRegistrationRequest(
  tx: Database,
  context: AuditContext,
  input: { userId: string; email: string; name: string; providerId: string },
  deps: AccessRequestDeps,
): Promise<{ id: string }> {
  const { request, created } = await upsertRequest(tx, context, {
    email: input.email,
    name: input.name,
    message: '',
    source: 'sso',
    userId: input.userId,
    ssoProviderId: input.providerId,
  });
  await recordAudit(tx, context, {
    action: created ? 'access_request.created' : 'access_request.resubmitted',
    targetType: 'access_request',
    targetId: request.id,
    details: { email: request.email, source: 'sso', userId: input.userId, providerId: input.providerId },
  });
  await notifyAdmins(tx, deps.config, 'access_request.created', { requesterName: request.name, requesterEmail: request.email, message: '' });
  return { id: request.id };
}

async function upsertRequest(
  tx: Database,
  context: AuditContext,
  input: AccessRequestInput & Pick<AccessRequestRow, 'source' | 'userId' | 'ssoProviderId'>,
) {
  const now = context.now;
  const confirmBefore = new Date(now.getTime() - CONFIRMATION_INTERVAL_MS);
  const [row] = await tx
    .insert(accessRequests)
    .values({
      email: input.email.trim(),
      emailKey: emailKeyOf(input.email),
      name: input.name.trim(),
      message: input.message.trim(),
      source: input.source,
      userId: input.userId,
      ssoProviderId: input.ssoProviderId,
      createdAt: now,
      requestedAt: now,
    })
    .onConflictDoUpdate({
      target: accessRequests.emailKey,
      targetWhere: sql`${accessRequests.deletedAt} is null`,
      set: {
        email: sql`excluded.email`,
        name: sql`excluded.name`,
        message: sql`excluded.message`,
        requestedAt: now,
        status: 'pending',
        decidedAt: null,
        decidedBy: null,
        // A form resubmission must not detach the account an SSO registration is waiting with.
        source: sql`case when ${accessRequests.userId} is null then excluded.source else ${accessRequests.source} end`,
        userId: sql`coalesce(excluded.user_id, ${accessRequests.userId})`,
        ssoProviderId: sql`coalesce(excluded.sso_provider_id, ${accessRequests.ssoProviderId})`,
      },
    })
    .returning({
      ...getTableColumns(accessRequests),
      // xmax is 0 exactly for a row this statement inserted rather than updated.
      created: sql<boolean>`(xmax = 0)`,
    });
  const { created, ...request } = row!;
  // The upsert holds the row's lock until commit, so concurrent submissions take turns here and one of them confirms.
  const confirmed = await tx
    .update(accessRequests)
    .set({ confirmationSentAt: now })
    .where(
      and(
        eq(accessRequests.id, request.id),
        sql`(${accessRequests.confirmationSentAt} is null or ${accessRequests.confirmationSentAt} <= ${confirmBefore})`,
      ),
    )
    .returning({ id: accessRequests.id });
  return { request, created, confirm: confirmed.length > 0 };
}

export const accessRequestSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    message: z.string(),
    source: z.enum(ACCESS_REQUEST_SOURCES),
    status: z.enum(ACCESS_REQUEST_STATUSES),
    accountExists: z.boolean().describe('An account with this email exists (someone was invited meanwhile, or an SSO registration).'),
    requestedAt: z.string(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'AccessRequest' });

export type AccessRequestView = z.infer<typeof accessRequestSchema>;

const accountExists = sql<boolean>`exists (select 1 from ${users} u where lower(u.email) = ${accessRequests.emailKey} and u.deleted_at is null)`;

const toView = (r: AccessRequestRow, hasAccount: boolean): AccessRequestView => ({
  id: r.id,
  email: r.email,
  name: r.name,
  message: r.message,
  source: r.source,
  status: r.status,
  accountExists: hasAccount,
  requestedAt: isoDate(r.requestedAt),
  createdAt: isoDate(r.createdAt),
  decidedAt: isoOrNull(r.decidedAt),
  deletedAt: isoOrNull(r.deletedAt),
});

export interface AccessRequestListQuery {
  deleted: boolean;
  status?: AccessRequestStatus;
  q?: string;
  limit: number;
  cursor?: string;
}

const cursorShape = z.tuple([z.string().max(100), z.uuid()]);

/** Newest first, one keyset page; `deleted` lists the declined requests instead of the live ones. */
export async function listAccessRequests(db: Database, query: AccessRequestListQuery) {
  const conditions: SQL[] = [query.deleted ? isNotNull(accessRequests.deletedAt) : isNull(accessRequests.deletedAt)];
  if (query.status) conditions.push(eq(accessRequests.status, query.status));
  if (query.q) {
    const literal = query.q.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`${accessRequestSearchText(accessRequests)} like '%' || lower(${literal}) || '%'`);
  }
  const after = decodeCursor(query.cursor, cursorShape);
  if (after) conditions.push(sql`(${accessRequests.requestedAt}, ${accessRequests.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await db
    .select({ request: accessRequests, accountExists, position: sql<string>`${accessRequests.requestedAt}::text` })
    .from(accessRequests)
    .where(and(...conditions))
    .orderBy(desc(accessRequests.requestedAt), desc(accessRequests.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.position, r.request.id]);
  return { items: page.items.map((r) => toView(r.request, r.accountExists)), nextCursor: page.nextCursor };
}

/** One request, live or declined; declined ones only for those who may see them. */
export async function loadAccessRequest(db: Database, id: string, canSeeDeleted: boolean): Promise<AccessRequestView> {
  if (!isUuid(id)) throw accessRequestNotFound();
  const [row] = await db.select({ request: accessRequests, accountExists }).from(accessRequests).where(eq(accessRequests.id, id));
  if (!row || (row.request.deletedAt && !canSeeDeleted)) throw accessRequestNotFound();
  return toView(row.request, row.accountExists);
}

export interface DecisionResult<O extends string> {
  id: string;
  outcome: O;
  /** An error code, for `failed` and `blocked_domain`. */
  reason?: string;
}

/** The live account with the request's email, locked for the decision; undefined when there is none. */
export async function lockAccountOfRequest(tx: Database, request: Pick<AccessRequestRow, 'emailKey'>) {
  const [account] = await tx
    .select({ id: users.id, name: users.name, email: users.email, status: users.status })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${request.emailKey}`, isNull(users.deletedAt)))
    .for('update');
  return account;
}

/** An account that waited for approval (an SSO registration) becomes active. */
export async function activateAccount(tx: Database, userId: string, now: Date): Promise<void> {
  await setAccountStatus(tx, userId, 'active', now);
}
