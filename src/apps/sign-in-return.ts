import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config.js';

/**
 * The app sign-in (`/oidc/interaction/<uid>`) that sent a person to Foyer's sign-in page, remembered by the browser
 * rather than the tab: a login link from an administrator is opened from the mail, usually in another tab, and must
 * still take the person back to the app instead of the Foyer home page. Only a path of this Foyer is ever kept or
 * answered (never another site: that would be an open redirect), for as long as the engine keeps the sign-in.
 */
export const APP_SIGN_IN_PATH = /^\/oidc\/interaction\/[\w-]+$/;
const APP_SIGN_IN_TTL_S = 60 * 60;

const cookieName = (config: Config) => (config.secureCookies ? '__Host-foyer_app_sign_in' : 'foyer_app_sign_in');
const cookieOptions = (config: Config) => ({ path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.secureCookies });

export function rememberAppSignIn(reply: FastifyReply, config: Config, path: string): void {
  if (APP_SIGN_IN_PATH.test(path)) reply.setCookie(cookieName(config), path, { ...cookieOptions(config), maxAge: APP_SIGN_IN_TTL_S });
}

/** The app sign-in to go back to, once; null when the sign-in did not start at an app. */
export function takeAppSignIn(request: FastifyRequest, reply: FastifyReply, config: Config): string | null {
  const path = request.cookies[cookieName(config)];
  if (path === undefined) return null;
  reply.clearCookie(cookieName(config), cookieOptions(config));
  return APP_SIGN_IN_PATH.test(path) ? path : null;
}
