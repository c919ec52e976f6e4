import { z } from 'zod';

/**
 * The fields of an app that people type, as the API accepts them, shared with the console's app forms (web imports
 * this file as `@foyer-fields/apps`). It imports only zod, which the boundary lint checks. Whether each address is
 * usable (absolute, https unless on loopback) is the service's check, answered per line.
 */
const uri = z.string().trim().max(2000, 'Keep each address to 2000 characters.');
const optionalUri = uri.min(1, 'Enter an address, or send null for none.').nullable();

export const appTextFields = {
  name: z.string().trim().min(1, 'Give the app a name.').max(100, 'Keep the name to 100 characters.'),
  redirectUris: z.array(uri).min(1, 'Enter at least one redirect URI.').max(50, 'List at most 50 redirect URIs.'),
  postLogoutRedirectUris: z.array(uri).max(50, 'List at most 50 addresses.'),
  backchannelLogoutUri: optionalUri,
  launchUrl: optionalUri,
  logoUrl: optionalUri,
};

/** An address list as the form holds it: one per line, blank lines ignored, as the form sends it. */
const lineList = (list: typeof appTextFields.redirectUris | typeof appTextFields.postLogoutRedirectUris) =>
  z
    .string()
    .transform((text) => text.split('\n').map((line) => line.trim()).filter(Boolean))
    .pipe(list);

/**
 * The app forms hold address lists as text, one per line, and an empty optional address as '' (sent as null), so
 * those are the form's own shapes of the same fields.
 */
export const appForm = z.object({
  name: appTextFields.name,
  redirectUris: lineList(appTextFields.redirectUris),
  postLogoutRedirectUris: lineList(appTextFields.postLogoutRedirectUris),
  backchannelLogoutUri: uri,
  launchUrl: uri,
  logoUrl: uri,
});
