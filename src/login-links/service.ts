import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import {
  authorizeManaging,
  registerAccessHolder,
  userNotFound,
  userPermissions,
  users,
  type Actor,
} from '../accounts/index.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import {
  completeSignIn,
  consumeOneTimeToken,
  issueReferencedOneTimeToken,
  withdrawOneTimeTokens,
  type SignInResult,
} from '../auth/index.js';
import { readInvitationSettings } from '../invitations/index.js';
import { assertMailConfigured, enqueueMail } from '../mail/index.js';
import type { Database } from '../platform/db.js';
import { FoyerError, notFound } from '../platform/errors.js';
import type { AppDeps } from '../platform/http.js';
import { isUuid } from '../platform/ids.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import { loginLinks, type LoginLinkRow } from './schema.js';

type Deps = Pick<AppDeps, 'config'>;

export const LOGIN_LINK_STATUSES = ['active', 'used', 'expired', 'revoked'] as const;
export type LoginLinkStatus = (typeof LOGIN_LINK_STATUSES)[number];

export const statusOf = (link: Pick<LoginLinkRow, 'usedAt' | 'revokedAt' | 'expiresAt'>, now: Date): LoginLinkStatus =>
  link.usedAt ? 'used' : link.revokedAt ? 'revoked' : link.expiresAt <= now ? 'expired' : 'active';

export const loginLinkPath = (token: string) => `/login-link?token=${token}`;

export interface IssuedLoginLink {
  id: string;
  expiresAt: Date;
  /** Only when the administrator chose to copy it rather than email it; never shown again. */
  url: string | null;
  mail: 'queued' | 'blocked' | 'not_sent';
  mailReason: string | null;
}

/**
 * Issues a one-time login link for someone locked out (seed 000). A login link is a way into the account, so the
 * administrator must hold every permission the account holds, exactly as for changing its email or status.
 */
export async function issueLoginLink(
  db: Database,
  context: AuditContext,
  deps: Deps,
  actor: Actor,
  userId: string,
  input: { send: boolean },
): Promise<IssuedLoginLink> {
  if (!isUuid(userId)) throw userNotFound();
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ row: users, permissions: userPermissions })
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .for('update', { of: users });
    if (!target) throw userNotFound();
    authorizeManaging(actor, target);
    if (target.row.status !== 'active') {
      throw new FoyerError(409, 'account_not_active', 'This account is not active, so a login link could not sign anyone in. Enable it first.');
    }
    if (input.send) await assertMailConfigured(tx, deps.config);
    const { loginLinkTtlMinutes } = await readInvitationSettings(tx);
    const ttlMs = loginLinkTtlMinutes * 60_000;
    const expiresAt = new Date(context.now.getTime() + ttlMs);
    const { id: tokenId, token } = await issueReferencedOneTimeToken(tx, { purpose: 'login_link', userId, ttlMs, now: context.now });
    const [link] = await tx
      .insert(loginLinks)
      .values({
        userId,
        tokenId,
        createdBy: actor.user.id,
        sentTo: input.send ? target.row.email : null,
        createdAt: context.now,
        expiresAt,
      })
      .returning({ id: loginLinks.id });
    const enqueued = input.send
      ? await enqueueMail(tx, deps.config, {
          to: target.row.email,
          template: 'login_link',
          data: { name: target.row.name, link: loginLinkPath(token), expiresAt },
        })
      : null;
    const mail = enqueued?.status ?? 'not_sent';
    await recordAudit(tx, context, {
      action: 'login_link.issued',
      targetType: 'user',
      targetId: userId,
      details: { loginLinkId: link!.id, delivery: input.send ? 'email' : 'copy', mail, expiresAt: expiresAt.toISOString() },
    });
    return {
      id: link!.id,
      expiresAt,
      url: input.send ? null : new URL(loginLinkPath(token), deps.config.publicUrl).toString(),
      mail,
      mailReason: enqueued?.reason ?? null,
    };
  });
}

export const loginLinkSchema = z
  .object({
    id: z.string(),
    createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    sentTo: z.string().nullable().describe('The address it was emailed to; null when it was copied'),
    createdAt: z.string(),
    expiresAt: z.string(),
    usedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    status: z.enum(LOGIN_LINK_STATUSES),
  })
  .meta({ id: 'LoginLink' });

const cursorShape = z.tuple([z.iso.datetime(), z.uuid()]);

/** The login links issued for one person, newest first. */
export async function listLoginLinks(db: Database, userId: string, query: { limit: number; cursor?: string }, now: Date) {
  if (!isUuid(userId)) throw userNotFound();
  const [user] = await db.select({ id: users.id }).from(users).where(and(eq(users.id, userId), isNull(users.deletedAt)));
  if (!user) throw userNotFound();
  const after = decodeCursor(query.cursor, cursorShape);
  const creator = alias(users, 'creator');
  const rows = await db
    .select({ link: loginLinks, creatorName: creator.name })
    .from(loginLinks)
    .leftJoin(creator, eq(creator.id, loginLinks.createdBy))
    .where(
      and(
        eq(loginLinks.userId, userId),
        after ? sql`(${loginLinks.createdAt}, ${loginLinks.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(loginLinks.createdAt), desc(loginLinks.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.link.createdAt.toISOString(), r.link.id]);
  return {
    items: page.items.map(({ link, creatorName }) => ({
      id: link.id,
      createdBy: link.createdBy && creatorName ? { id: link.createdBy, name: creatorName } : null,
      sentTo: link.sentTo,
      createdAt: link.createdAt.toISOString(),
      expiresAt: link.expiresAt.toISOString(),
      usedAt: link.usedAt?.toISOString() ?? null,
      revokedAt: link.revokedAt?.toISOString() ?? null,
      status: statusOf(link, now),
    })),
    nextCursor: page.nextCursor,
  };
}

/** Withdraws a link that was not used yet; it stops working at once. Revoking a spent or revoked link changes nothing. */
export async function revokeLoginLink(db: Database, context: AuditContext, userId: string, linkId: string): Promise<void> {
  if (!isUuid(userId) || !isUuid(linkId)) throw notFound('The login link');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(loginLinks)
      .set({ revokedAt: context.now })
      .where(and(eq(loginLinks.id, linkId), eq(loginLinks.userId, userId), isNull(loginLinks.usedAt), isNull(loginLinks.revokedAt)))
      .returning({ id: loginLinks.id, tokenId: loginLinks.tokenId });
    if (!row) {
      const [existing] = await tx
        .select({ id: loginLinks.id })
        .from(loginLinks)
        .where(and(eq(loginLinks.id, linkId), eq(loginLinks.userId, userId)));
      if (!existing) throw notFound('The login link');
      return;
    }
    if (row.tokenId) await withdrawOneTimeTokens(tx, [row.tokenId]);
    await recordAudit(tx, context, { action: 'login_link.revoked', targetType: 'user', targetId: userId, details: { loginLinkId: linkId } });
  });
}

/**
 * Signs in with a login link. The token store checks and spends the token in one UPDATE, so the link works exactly
 * once however many tabs open it; revoking withdrew the token. Unknown, expired, used and revoked links give the same
 * answer: the page only needs to say "ask again".
 */
export async function signInWithLoginLink(db: Database, context: AuditContext, token: string): Promise<SignInResult> {
  return db.transaction(async (tx) => {
    const spent = await consumeOneTimeToken(tx, 'login_link', token, context.now);
    const [link] = spent
      ? await tx
          .update(loginLinks)
          .set({ usedAt: context.now })
          .where(and(eq(loginLinks.tokenId, spent.id), isNull(loginLinks.usedAt), isNull(loginLinks.revokedAt)))
          .returning()
      : [];
    if (!link) {
      throw new FoyerError(410, 'login_link_invalid', 'This sign-in link has expired, was already used or was withdrawn. Ask your administrator for a new one.');
    }
    const [user] = await tx
      .select({ id: users.id, status: users.status })
      .from(users)
      .where(and(eq(users.id, link.userId), isNull(users.deletedAt)));
    if (!user || user.status !== 'active') {
      throw new FoyerError(403, 'account_disabled', 'This account is disabled. Contact your administrator.');
    }
    await recordAudit(tx, { ...context, actorType: 'user', actorId: user.id }, {
      action: 'login_link.used',
      targetType: 'user',
      targetId: user.id,
      details: { loginLinkId: link.id },
    });
    return completeSignIn(tx, context, user, { method: 'login_link' });
  });
}

/**
 * An account that will never be active again has its outstanding links withdrawn. Disabling keeps them: a link
 * cannot sign anyone in while the account is disabled, and works again once it is enabled.
 */
registerAccessHolder({
  name: 'login_links',
  ignores: ['disabled', 'signed_out_everywhere', 'sessions_ended_by_admin'],
  async end(tx, { userId, now }) {
    const withdrawn = await tx
      .update(loginLinks)
      .set({ revokedAt: now })
      .where(and(eq(loginLinks.userId, userId), isNull(loginLinks.usedAt), isNull(loginLinks.revokedAt)))
      .returning({ id: loginLinks.id, tokenId: loginLinks.tokenId });
    await withdrawOneTimeTokens(tx, withdrawn.flatMap((link) => (link.tokenId ? [link.tokenId] : [])));
    return withdrawn.length;
  },
});
