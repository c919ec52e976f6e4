import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import { call, client } from '../api';
import { asJson } from './webauthn';

/**
 * Registers a passkey for the signed-in person: asks the server for options, lets the browser create the key, and
 * sends it back. Used after sign-up, invitations and from My account → Security. Throws an `ApiError` from the
 * server or the browser's error; `passkeyErrorMessage` (./webauthn) turns either into a sentence. Without a name,
 * the server names the passkey after the browser and system.
 */
export async function registerPasskey(name?: string): Promise<void> {
  const { options } = await call(client.POST('/api/v1/me/passkeys/options'));
  const response = asJson(await startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON }));
  await call(client.POST('/api/v1/me/passkeys', { body: name ? { name, response } : { response } }));
}
