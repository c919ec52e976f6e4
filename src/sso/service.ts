import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AuditContext } from '../audit/index.js';
import type { Actor } from '../accounts/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { decodeCursor, paginate } from '../platform/paging.js';
import {
  linkedProvidersOf,
  linkSsoToUser,
  signInWithSso,
  switchAuthMethod,
  type LinkedProvider,
  type SignInMethodChoice,
  type SsoOutcome,
} from './accounts.js';
import { completeSsoFlow, startSsoFlow, type SsoFlowRow } from './flow.js';
import { enabledSsoProviders, toSsoProvider, type SsoProvider, type SsoProviderRow } from './providers.js';
import { ssoProviders, ssoSwitchedAccounts } from './schema.js';
import { readSsoSettings } from './settings.js';

/**
 * The end of a round trip: the provider's answer checked, then, in one transaction, the account linked or signed in
 * (or registered, for a join request). A link finishes only in the browser session that started it.
 */
export async function finishRoundTrip(
  db: Database,
  config: Config,
  context: AuditContext,
  input: { flow: SsoFlowRow; query: Record<string, string | undefined>; signedInUserId: string | undefined },
): Promise<{ provider: SsoProviderRow; outcome: SsoOutcome }> {
  const { flow } = input;
  const { provider, claims } = await completeSsoFlow(db, config, flow, input.query);
  const outcome = await db.transaction(async (tx) => {
    if (flow.mode === 'link') {
      if (input.signedInUserId !== flow.userId) {
        throw new FoyerError(400, 'sso_flow_expired', 'This single sign-on attempt expired or was already used. Please start again.');
      }
      return linkSsoToUser(tx, context, provider, claims, flow.userId);
    }
    return signInWithSso(tx, context, config, provider, claims, flow.mode === 'verify' ? 'join_request' : 'sign_in');
  });
  return { provider, outcome };
}

/** Starts linking a provider to one's own account, when an administrator has switched self-linking on. */
export async function startLinking(db: Database, config: Config, actor: Actor, providerId: string, now: Date) {
  // Seed 002: "Add SSO" must be activated by the administrator first; it is the switch for self-linking.
  if (!(await readSsoSettings(db)).linkHint) {
    throw new FoyerError(403, 'sso_linking_disabled', 'Linking single sign-on to your account is not switched on. Ask your administrator.');
  }
  return startSsoFlow(db, config, { providerId, mode: 'link', userId: actor.user.id, now });
}

/** How an account signs in: by SSO once switched to it or linked to any provider, otherwise locally. */
export async function signInMethodOf(db: Database, userId: string): Promise<{ method: SignInMethodChoice; items: LinkedProvider[] }> {
  const items = await linkedProvidersOf(db, userId);
  const [switched] = await db.select().from(ssoSwitchedAccounts).where(eq(ssoSwitchedAccounts.userId, userId));
  return { method: switched || items.length > 0 ? 'sso' : 'local', items };
}

/** Switching an account to SSO needs a provider it can sign in with. */
export async function switchSignInMethod(
  db: Database,
  context: AuditContext,
  actor: Actor,
  userId: string,
  method: SignInMethodChoice,
): Promise<void> {
  if (method === 'sso' && (await enabledSsoProviders(db)).length === 0) {
    throw new FoyerError(409, 'sso_not_configured', 'Set up and enable a single sign-on provider first (Settings → SSO providers).');
  }
  await switchAuthMethod(db, context, actor, userId, method);
}

const providerCursor = z.tuple([z.string().max(100), z.uuid()]);

/** The providers in the order they were added, a page at a time. */
export async function ssoProvidersPage(
  db: Database,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: SsoProvider[]; nextCursor: string | null }> {
  const after = decodeCursor(page.cursor, providerCursor);
  const rows = await db
    .select({ provider: ssoProviders, position: sql<string>`${ssoProviders.createdAt}::text` })
    .from(ssoProviders)
    .where(
      after
        ? or(
            gt(ssoProviders.createdAt, sql`${after[0]}::timestamptz`),
            and(sql`${ssoProviders.createdAt} = ${after[0]}::timestamptz`, gt(ssoProviders.id, after[1])),
          )
        : undefined,
    )
    .orderBy(asc(ssoProviders.createdAt), asc(ssoProviders.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.position, r.provider.id]);
  return { items: items.map((r) => toSsoProvider(r.provider)), nextCursor };
}
