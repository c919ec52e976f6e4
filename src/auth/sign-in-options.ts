import { z } from 'zod';
import { accessRequestFormOpen } from '../access-requests/index.js';
import type { AppDeps, FoyerApp } from '../platform/http.js';
import { enabledSsoProviders, readSsoSettings } from '../sso/index.js';
import { readPasswordSettings } from './passwords/settings.js';

/**
 * What the sign-in page may offer, readable without a session. Each way in adds its own field here, so the page
 * never offers a method the instance has turned off.
 */
export const signInOptionsSchema = z
  .object({
    /** Passkey sign-in is always available: it is the one way in that cannot be switched off. */
    passkeys: z.boolean(),
    /** Password sign-in, and forgot-password, are on (Settings → Authentication). */
    passwordsEnabled: z.boolean(),
    /** The public access request form at /signup is open. */
    accessRequestsEnabled: z.boolean(),
    /** One sign-in button per enabled single sign-on provider. */
    ssoProviders: z.array(z.object({ id: z.string(), name: z.string() })),
    /** Show someone already signed in the "Add SSO" prompt to link a provider (Settings → SSO). */
    ssoLinkHint: z.boolean(),
  })
  .meta({ id: 'SignInOptions' });

export type SignInOptions = z.infer<typeof signInOptionsSchema>;

export async function readSignInOptions(deps: AppDeps): Promise<SignInOptions> {
  return {
    passkeys: true,
    passwordsEnabled: (await readPasswordSettings(deps.db)).enabled,
    accessRequestsEnabled: await accessRequestFormOpen(deps.db),
    ssoProviders: await enabledSsoProviders(deps.db),
    ssoLinkHint: (await readSsoSettings(deps.db)).linkHint,
  };
}

export function signInOptionsRoutes(app: FoyerApp, deps: AppDeps): void {
  app.get(
    '/api/v1/auth/sign-in-options',
    {
      schema: {
        tags: ['Sign-in'],
        summary: 'The ways of signing in this instance offers (public)',
        response: { 200: signInOptionsSchema },
      },
    },
    async () => readSignInOptions(deps),
  );
}
