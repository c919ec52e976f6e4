import { z } from 'zod';

/**
 * A sign-in provider as the API accepts it, shared with the console's provider dialog (web imports this file as
 * `@foyer-fields/sso`). It imports only zod, which the boundary lint checks.
 */
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Issuers must be https, except on loopback where no one can sit in between: that is how a provider on the same
 * machine (and the tests' own provider) is reached.
 */
const parsedUrl = (value: string) => (URL.canParse(value) ? new URL(value) : null);

const issuerUrl = z
  .string()
  .trim()
  .max(2000, 'Keep the issuer URL to 2000 characters.')
  .pipe(z.url({ protocol: /^https?$/, message: 'Enter the issuer URL, such as https://login.example.com.' }))
  // Zod runs these even when z.url has refused the value, so they must not assume it parses: it is reported already.
  .refine((value) => {
    const url = parsedUrl(value);
    return !url || url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
  }, 'Use https:// (plain http only on localhost).')
  .refine((value) => {
    const url = parsedUrl(value);
    return !url || (!url.search && !url.hash);
  }, 'Leave out the query and fragment: the issuer URL ends at its path.');

const scopeList = z
  .array(z.string().trim().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'Write each scope as one word, without spaces.'))
  .max(30, 'Ask for at most 30 scopes.')
  .transform((scopes) => [...new Set(['openid', ...scopes])]);

export const ssoProviderInput = z.object({
  name: z.string().trim().min(1, 'Give the provider a name people recognise.').max(100, 'Keep the name to 100 characters.'),
  issuer: issuerUrl,
  clientId: z.string().trim().min(1, 'Enter the client id the provider gave you.').max(500, 'Keep the client id to 500 characters.'),
  clientSecret: z
    .string()
    .max(2000, 'Keep the client secret to 2000 characters.')
    .nullable()
    .optional()
    .describe('Write-only. Omit to keep the stored secret; null or "" removes it.'),
  scopes: scopeList.default(DEFAULT_SCOPES),
  enabled: z.boolean().default(true),
});

export const ssoProviderPatch = ssoProviderInput.partial().extend({ scopes: scopeList.optional(), enabled: z.boolean().optional() });

/** The provider dialog's text fields; a blank secret means "keep the stored one", which the API accepts as "" too. */
export const ssoProviderForm = ssoProviderInput.pick({ name: true, issuer: true, clientId: true, clientSecret: true });
