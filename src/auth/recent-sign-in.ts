import { FoyerError } from '../platform/errors.js';
import type { Actor } from '../accounts/index.js';

/** ASVS 7.5.1: changing email, password or second factors needs proof of identity from the last ten minutes. */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/**
 * Refuses a credential change unless the session signed in or re-authenticated within RECENT_SIGN_IN_MS. API tokens
 * never qualify: a leaked token must not be able to take over the account that created it.
 */
export function requireRecentSignIn(actor: Actor, now: Date): void {
  const at = actor.authenticatedAt;
  if (at && now.getTime() - at.getTime() <= RECENT_SIGN_IN_MS) return;
  throw new FoyerError(403, 'reauthentication_required', 'Confirm it is you: sign in again to change your sign-in methods.');
}
