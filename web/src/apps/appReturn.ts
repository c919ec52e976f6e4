/**
 * An app's sign-in hands over to Foyer's own sign-in page with `?next=/oidc/interaction/…` (and `&fresh=1` when the
 * app asked for a new sign-in). The path is kept for this tab only, so whichever way the person signs in (password,
 * passkey, single sign-on, second factor) the browser then goes back to the app's sign-in instead of the Foyer home page.
 */
const KEY = 'foyer.appSignIn';
const APP_SIGN_IN = /^\/oidc\/interaction\/[\w-]+$/;

export interface AppReturn {
  next: string | null;
  fresh: boolean;
}

export function rememberAppReturn(search: string): AppReturn {
  const params = new URLSearchParams(search);
  const next = params.get('next');
  if (!next || !keepAppReturn(next)) return { next: null, fresh: false };
  return { next, fresh: params.get('fresh') === '1' };
}

/** Keeps an app sign-in the server answered (a login link opened in another tab) for this tab's next steps. */
export function keepAppReturn(next: string): boolean {
  if (!APP_SIGN_IN.test(next)) return false;
  sessionStorage.setItem(KEY, next);
  return true;
}

/** The app sign-in to go back to, once: a later, unrelated sign-in goes home as usual. */
export function takeAppReturn(): string | null {
  const next = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  return next && APP_SIGN_IN.test(next) ? next : null;
}

/** The app sign-in this tab came from, left in place: single sign-on carries it through the provider and back. */
export function pendingAppReturn(): string | null {
  const next = sessionStorage.getItem(KEY);
  return next && APP_SIGN_IN.test(next) ? next : null;
}

/** The engine's paths are served by the server, not the console's router: leave the single-page app for them. */
export function continueToApp(next: string): void {
  window.location.assign(next);
}
