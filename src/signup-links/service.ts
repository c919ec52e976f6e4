import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { authorizeGrants, groups, roles, users, type Actor } from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { assertMailConfigured, enqueueMail } from '../mail/index.js';
import { hashSecret, randomSecret, secretMatches } from '../platform/crypto.js';
import type { Database } from '../platform/db.js';
import { FoyerError, fieldError, notFound } from '../platform/errors.js';
import type { AppDeps } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { signupLinks, type SignupLinkRow } from './schema.js';

type Deps = Pick<AppDeps, 'config'>;

export const SIGNUP_LINK_STATUSES = ['active', 'expired', 'used_up', 'revoked'] as const;
export type SignupLinkStatus = (typeof SIGNUP_LINK_STATUSES)[number];

/** Revoked wins over the rest: it is the one an administrator chose. */
export function statusOf(link: Pick<SignupLinkRow, 'revokedAt' | 'expiresAt' | 'maxUses' | 'uses'>, now: Date): SignupLinkStatus {
  if (link.revokedAt) return 'revoked';
  if (link.maxUses !== null && link.uses >= link.maxUses) return 'used_up';
  if (link.expiresAt <= now) return 'expired';
  return 'active';
}

// In the query string, where request logging redacts it, rather than in the path.
export const signupLinkPath = (token: string) => `/join?token=${token}`;
export const signupLinkUrl = (deps: Deps, token: string) => new URL(signupLinkPath(token), deps.config.publicUrl).toString();

export const signupLinkNotFound = () => notFound('The sign-up link');

export interface NewSignupLink {
  name: string;
  note: string;
  expiresAt: Date;
  maxUses: number | null;
  roleIds: string[];
  groupIds: string[];
}

/**
 * Creates a sign-up link (seed 000). Everyone who joins through it gets its roles and groups, so the creator must be
 * allowed to hand those out now; joining later applies them without asking again. New accounts confirm their email
 * with a code, so in production mail must be configured.
 */
export async function createSignupLink(db: Database, context: AuditContext, deps: Deps, actor: Actor, input: NewSignupLink) {
  if (input.expiresAt <= context.now) throw fieldError('expiresAt', 'validation_failed', 'Choose an expiry in the future.', 400);
  const token = randomSecret();
  const row = await db.transaction(async (tx) => {
    await assertMailConfigured(tx, deps.config);
    const roleIds = [...new Set(input.roleIds)];
    const groupIds = [...new Set(input.groupIds)];
    await authorizeGrants(tx, actor, roleIds, groupIds);
    const [created] = await tx
      .insert(signupLinks)
      .values({
        name: input.name.trim(),
        note: input.note.trim(),
        tokenHash: hashSecret(token),
        createdBy: actor.user.id,
        createdAt: context.now,
        expiresAt: input.expiresAt,
        maxUses: input.maxUses,
        roleIds,
        groupIds,
      })
      .returning();
    await recordAudit(tx, context, {
      action: 'signup_link.created',
      targetType: 'signup_link',
      targetId: created!.id,
      details: { name: created!.name, expiresAt: input.expiresAt.toISOString(), maxUses: input.maxUses, roleIds, groupIds },
    });
    return created!;
  });
  return { row, token, url: signupLinkUrl(deps, token) };
}

const refSchema = z.object({ id: z.string(), name: z.string() });

export const signupLinkSchema = z
  .object({
    id: z.string(),
    name: z.string().describe('For administrators: what the link is for; empty when none was given'),
    note: z.string().describe('For administrators only; never shown to whoever follows the link'),
    createdBy: refSchema.nullable(),
    createdAt: z.string(),
    expiresAt: z.string(),
    maxUses: z.number().int().nullable().describe('null: unlimited'),
    uses: z.number().int(),
    roles: z.array(refSchema),
    groups: z.array(refSchema),
    status: z.enum(SIGNUP_LINK_STATUSES),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'SignupLink' });

export type SignupLinkView = z.infer<typeof signupLinkSchema>;

const namesOf = (table: typeof roles | typeof groups, ids: ReturnType<typeof sql>) =>
  sql<{ id: string; name: string }[]>`coalesce((
    select json_agg(json_build_object('id', x.id, 'name', x.name) order by x.name)
    from ${table} x where x.id = any(${ids})), '[]'::json)`;

const cursorShape = z.tuple([z.iso.datetime(), z.uuid()]);

async function selectLinks(db: Database, where: ReturnType<typeof and>, limit: number) {
  const creator = alias(users, 'creator');
  return db
    .select({
      link: signupLinks,
      creatorName: creator.name,
      roles: namesOf(roles, sql`${signupLinks.roleIds}`),
      groups: namesOf(groups, sql`${signupLinks.groupIds}`),
    })
    .from(signupLinks)
    .leftJoin(creator, eq(creator.id, signupLinks.createdBy))
    .where(where)
    .orderBy(desc(signupLinks.createdAt), desc(signupLinks.id))
    .limit(limit);
}

type SelectedLink = Awaited<ReturnType<typeof selectLinks>>[number];

const toView = (r: SelectedLink, now: Date): SignupLinkView => ({
  id: r.link.id,
  name: r.link.name,
  note: r.link.note,
  createdBy: r.link.createdBy && r.creatorName ? { id: r.link.createdBy, name: r.creatorName } : null,
  createdAt: r.link.createdAt.toISOString(),
  expiresAt: r.link.expiresAt.toISOString(),
  maxUses: r.link.maxUses,
  uses: r.link.uses,
  roles: r.roles,
  groups: r.groups,
  status: statusOf(r.link, now),
  revokedAt: r.link.revokedAt?.toISOString() ?? null,
});

/** Newest first, every status: the list is where an administrator sees what was handed out. */
export async function listSignupLinks(db: Database, query: { limit: number; cursor?: string }, now: Date) {
  const after = decodeCursor(query.cursor, cursorShape);
  const rows = await selectLinks(
    db,
    and(after ? sql`(${signupLinks.createdAt}, ${signupLinks.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined),
    query.limit + 1,
  );
  const page = paginate(rows, query.limit, (r) => [r.link.createdAt.toISOString(), r.link.id]);
  return { items: page.items.map((r) => toView(r, now)), nextCursor: page.nextCursor };
}

export async function getSignupLink(db: Database, id: string, now: Date): Promise<SignupLinkView> {
  if (!isUuid(id)) throw signupLinkNotFound();
  const [row] = await selectLinks(db, and(eq(signupLinks.id, id)), 1);
  if (!row) throw signupLinkNotFound();
  return toView(row, now);
}

/** Stops the link at once: the next redemption checks `revoked_at` in its own conditional UPDATE. */
export async function revokeSignupLink(db: Database, context: AuditContext, actor: Actor, id: string): Promise<void> {
  if (!isUuid(id)) throw signupLinkNotFound();
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(signupLinks)
      .set({ revokedAt: context.now, revokedBy: actor.user.id })
      .where(and(eq(signupLinks.id, id), isNull(signupLinks.revokedAt)))
      .returning({ id: signupLinks.id, uses: signupLinks.uses });
    if (!row) {
      const [existing] = await tx.select({ id: signupLinks.id }).from(signupLinks).where(eq(signupLinks.id, id));
      if (!existing) throw signupLinkNotFound();
      return;
    }
    await recordAudit(tx, context, { action: 'signup_link.revoked', targetType: 'signup_link', targetId: id, details: { uses: row.uses } });
  });
}

export interface SendResult {
  email: string;
  outcome: 'queued' | 'blocked';
  reason: string | null;
}

/**
 * Emails a link to addresses an administrator typed. Only the link's hash is stored, so the caller must present the
 * token it was shown at creation; the server checks it belongs to this link. Addresses outside the allowed domains are
 * reported as blocked, one result per address.
 */
export async function sendSignupLink(
  db: Database,
  context: AuditContext,
  deps: Deps,
  actor: Actor,
  input: { id: string; token: string; emails: string[] },
): Promise<SendResult[]> {
  if (!isUuid(input.id)) throw signupLinkNotFound();
  return db.transaction(async (tx) => {
    await assertMailConfigured(tx, deps.config);
    const [link] = await tx.select().from(signupLinks).where(eq(signupLinks.id, input.id));
    if (!link) throw signupLinkNotFound();
    if (!secretMatches(input.token, link.tokenHash)) {
      throw fieldError('token', 'signup_link_token_mismatch', 'This is not the link that was created with this id.', 400);
    }
    const status = statusOf(link, context.now);
    if (status !== 'active') throw unusable(status);
    const emails = [...new Map(input.emails.map((e) => [e.trim().toLowerCase(), e.trim()])).values()];
    const results: SendResult[] = [];
    for (const email of emails) {
      const enqueued = await enqueueMail(tx, deps.config, {
        to: email,
        template: 'signup_link',
        data: { link: signupLinkPath(input.token), expiresAt: link.expiresAt, invitedBy: actor.user.name },
      });
      results.push({ email, outcome: enqueued.status, reason: enqueued.reason });
    }
    await recordAudit(tx, context, {
      action: 'signup_link.sent',
      targetType: 'signup_link',
      targetId: link.id,
      details: { recipients: results.map((r) => ({ email: r.email, outcome: r.outcome })) },
    });
    return results;
  });
}

export function unusable(status: Exclude<SignupLinkStatus, 'active'>): FoyerError {
  switch (status) {
    case 'expired':
      return new FoyerError(410, 'signup_link_expired', 'This sign-up link has expired. Ask whoever sent it for a new one.');
    case 'used_up':
      return new FoyerError(410, 'signup_link_used_up', 'This sign-up link has already been used as many times as it allows.');
    case 'revoked':
      return new FoyerError(410, 'signup_link_revoked', 'This sign-up link was withdrawn. Ask whoever sent it for a new one.');
  }
}
