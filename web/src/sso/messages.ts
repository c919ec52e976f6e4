/**
 * What the sign-in page, My account and the request form say when a single sign-on round trip comes back with
 * `?sso_error=<code>`. Only codes are carried in the address, so nobody can make Foyer display a sentence of their own.
 */
const SSO_ERRORS: Record<string, string> = {
  local_account_exists: 'A local account with this email already exists. Sign in with your password, or ask an administrator to switch your account to single sign-on.',
  sso_email_not_verified: 'Your identity provider has not confirmed your email address, so Foyer cannot use this sign-in. Confirm it there, then try again.',
  sso_account_not_found: 'No Foyer account uses this sign-in yet. Sign in another way and link it from My account, or ask an administrator.',
  sso_provider_unreachable: 'The identity provider could not be reached. Please try again later.',
  sso_response_rejected: 'The answer from the identity provider could not be verified. Please start again.',
  sso_flow_expired: 'This single sign-on attempt expired or was already used. Please start again.',
  sso_denied: 'The identity provider did not sign you in. Please try again.',
  sso_identity_taken: 'This sign-in is already linked to another Foyer account.',
  sso_provider_already_linked: 'Your account is already linked to another sign-in at this provider. Remove that link first.',
  account_disabled: 'This account is disabled. Contact your administrator.',
  email_domain_not_allowed: 'This email domain is not approved — contact your administrator.',
  not_found: 'This single sign-on provider is not available any more.',
  secret_unreadable: 'This single sign-on provider is misconfigured. Ask your administrator to enter its client secret again.',
};

export const ssoErrorMessage = (code: string) =>
  SSO_ERRORS[code] ?? 'Single sign-on did not work. Please try again, or sign in another way.';

export const AWAITING_APPROVAL = 'Your account is awaiting administrator approval. You can sign in once an administrator has approved it.';

/** Reads and then removes the round trip's outcome from the address, so a reload does not show it again. */
export function takeSsoOutcome(): { error: string | null; notice: string | null; linked: string | null } {
  const params = new URLSearchParams(window.location.search);
  const outcome = { error: params.get('sso_error'), notice: params.get('sso_notice'), linked: params.get('sso_linked') };
  if (outcome.error || outcome.notice || outcome.linked) {
    ['sso_error', 'sso_notice', 'sso_linked'].forEach((key) => params.delete(key));
    const rest = params.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
  }
  return outcome;
}

export type SsoProviderRef = { id: string; name: string };

/** `next`: the app sign-in to come back to (the server accepts only `/oidc/interaction/<uid>`). */
export function ssoStartUrl(providerId: string, intent: 'sign_in' | 'verify' = 'sign_in', next: string | null = null): string {
  const query = new URLSearchParams({ ...(intent === 'verify' && { intent }), ...(next && { next }) }).toString();
  return `/api/v1/auth/sso/${encodeURIComponent(providerId)}/start${query ? `?${query}` : ''}`;
}
