import { browserSupportsWebAuthn, startAuthentication, WebAuthnError } from '@simplewebauthn/browser';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { call, client, ApiError } from '../api';
import type { SignInReply } from '../two-factor/mfaApi';

export { browserSupportsWebAuthn };

const causeOf = (err: unknown): unknown => (err instanceof WebAuthnError ? err.cause ?? err : err);

/** The person closed the browser's passkey prompt or let it time out: nothing to report. */
export function isPasskeyPromptDismissed(err: unknown): boolean {
  const cause = causeOf(err);
  return (
    (err instanceof WebAuthnError && err.code === 'ERROR_CEREMONY_ABORTED') ||
    (cause instanceof Error && (cause.name === 'NotAllowedError' || cause.name === 'AbortError'))
  );
}

/** A sentence for whatever went wrong in a passkey ceremony, from the browser or from the server. */
export function passkeyErrorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof WebAuthnError) {
    switch (err.code) {
      case 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED':
        return 'This device already holds a passkey for your account.';
      case 'ERROR_INVALID_DOMAIN':
      case 'ERROR_INVALID_RP_ID':
        return 'Passkeys only work when Foyer is opened at its public address over HTTPS (or on localhost).';
      case 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT':
      case 'ERROR_AUTHENTICATOR_MISSING_USER_VERIFICATION_SUPPORT':
        return 'This authenticator cannot hold a passkey. Try your device’s built-in passkeys or another security key.';
    }
  }
  if (isPasskeyPromptDismissed(err)) return 'The passkey prompt was closed before it finished.';
  return 'Your browser could not complete the passkey request. Please try again.';
}

/** Signs in with whichever passkey the person picks in the browser prompt; no username needed. */
export async function signInWithPasskey(): Promise<SignInReply> {
  const { options } = await call(client.POST('/api/v1/auth/passkey/options'));
  const response = await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
  return call(client.POST('/api/v1/auth/passkey/verify', { body: { response: asJson(response) } }));
}

/** Confirms the signed-in person with one of their passkeys, opening the window for credential changes. */
export async function reauthenticateWithPasskey(): Promise<void> {
  const { options } = await call(client.POST('/api/v1/me/reauthenticate/passkey/options'));
  const response = await startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });
  await call(client.POST('/api/v1/me/reauthenticate/passkey/verify', { body: { response: asJson(response) } }));
}

/**
 * The server declares the options it sends only by their challenge (the rest passes through from SimpleWebAuthn),
 * and the browser's extension results as an open JSON object; the browser library types both more narrowly.
 */
export const asJson = <R extends { clientExtensionResults: object }>(response: R) => ({
  ...response,
  clientExtensionResults: { ...response.clientExtensionResults } as Record<string, unknown>,
});

export const reauthenticationRequired = (err: unknown) => err instanceof ApiError && err.code === 'reauthentication_required';
