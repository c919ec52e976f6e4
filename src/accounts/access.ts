import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';

/**
 * Why a person's access ends. Every way of losing access names one, so each holder can say in its audit trail and
 * in what it tells others (an app's back-channel logout) what happened.
 */
export const ACCESS_END_CAUSES = ['disabled', 'revoked', 'deleted', 'signed_out_everywhere', 'sessions_ended_by_admin'] as const;
export type AccessEndCause = (typeof ACCESS_END_CAUSES)[number];

export interface AccessEndContext {
  userId: string;
  cause: AccessEndCause;
  now: Date;
  config: Config;
  /** "Sign out everywhere" keeps the session that asked for it; every other cause ends them all. */
  exceptSessionId?: string | null;
}

/**
 * A feature that holds some of a person's access (sessions, API tokens, one-time links, pending sign-ins, app grants).
 * `end` runs inside the transaction of the change that ends access and answers how many things it ended, which the
 * caller's audit event records under the holder's name.
 */
export interface AccessHolder {
  name: string;
  /** Causes this holder ignores: a disabled account keeps its API tokens, which only act while their creator is active. */
  ignores?: readonly AccessEndCause[];
  end(tx: Database, context: AccessEndContext): Promise<number>;
}

/**
 * Holders register when their module loads (each feature's index.ts), keyed by name so loading twice changes nothing.
 * The registry holds code, never data: every instance behind a load balancer has the same one.
 */
const holders = new Map<string, AccessHolder>();

/** Answers the step that takes the holder out again (a test's own holder must not outlive its file). */
export function registerAccessHolder(holder: AccessHolder): () => void {
  holders.set(holder.name, holder);
  return () => holders.delete(holder.name);
}

/**
 * The one lifecycle step every disable, revoke, delete and "sign out everywhere" calls, in its own transaction, so
 * nothing a person could still use survives the change that took their access away. Answers `{holderName: count}`.
 */
export async function endAccess(tx: Database, context: AccessEndContext): Promise<Record<string, number>> {
  const ended: Record<string, number> = {};
  for (const holder of holders.values()) {
    if (holder.ignores?.includes(context.cause)) continue;
    ended[holder.name] = await holder.end(tx, context);
  }
  return ended;
}

/**
 * Called in the transaction of any change to who belongs to which group (added, removed, a group deleted), so a
 * feature whose access depends on membership (apps allowed to some groups) can end what is no longer allowed.
 */
export type MembershipListener = (tx: Database, change: { userIds: readonly string[]; now: Date; config: Config }) => Promise<void>;

const membershipListeners = new Map<string, MembershipListener>();

/** Answers the step that takes the listener out again, as registerAccessHolder does. */
export function onMembershipChange(name: string, listener: MembershipListener): () => void {
  membershipListeners.set(name, listener);
  return () => membershipListeners.delete(name);
}

export async function membershipChanged(tx: Database, change: { userIds: readonly string[]; now: Date; config: Config }): Promise<void> {
  if (change.userIds.length === 0) return;
  for (const listener of membershipListeners.values()) await listener(tx, change);
}
