import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * The check of an assertion signed by an ES256 passkey (ECDSA on P-256, COSE algorithm -7: what platform
 * authenticators and the software one of the tests create), done with Node's own crypto in one synchronous call.
 * @simplewebauthn/server verifies the same things, but through WebCrypto: the key imported again from its COSE form,
 * the signature rewritten from DER, each hash a job on the thread pool. That was a third of a passkey sign-in's CPU
 * (bench/ figure 2). Anything this check does not recognise (another algorithm, extension data) returns `unsupported`
 * and goes to the library; anything it recognises and finds wrong is `refused`.
 */
export type Es256Outcome = { kind: 'verified'; newCounter: number; backedUp: boolean } | { kind: 'refused' } | { kind: 'unsupported' };

export interface Expected {
  challenge: string;
  origin: string;
  rpId: string;
}

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_BACKUP_ELIGIBLE = 0x08;
const FLAG_BACKED_UP = 0x10;
const FLAG_ATTESTED_CREDENTIAL = 0x40;
const FLAG_EXTENSIONS = 0x80;
/** rpIdHash (32), flags (1), signCount (4): an assertion without extensions is exactly this long. */
const AUTH_DATA_LENGTH = 37;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
// authenticatorData carries the hash of the relying party id, which is the public URL's host name: one per instance.
const rpIdHashes = new Map<string, Buffer>();
const rpIdHashOf = (rpId: string) => rpIdHashes.get(rpId) ?? rpIdHashes.set(rpId, sha256(rpId)).get(rpId)!;

/** Keys by their stored COSE form: a passkey's public key never changes, and most sign-ins reuse a few thousand. */
const keys = new Map<string, KeyObject | null>();
const KEY_CACHE_LIMIT = 10_000;

/** The P-256 public key of a stored COSE key, or null when it is anything else. */
function es256Key(storedCoseKey: string): KeyObject | null {
  let key = keys.get(storedCoseKey);
  if (key !== undefined) return key;
  key = null;
  try {
    const cose = isoCBOR.decodeFirst<Map<number, unknown>>(Buffer.from(storedCoseKey, 'base64url'));
    const x = cose.get(-2);
    const y = cose.get(-3);
    if (cose.get(1) === 2 && cose.get(3) === -7 && cose.get(-1) === 1 && x instanceof Uint8Array && y instanceof Uint8Array) {
      const jwk = { kty: 'EC', crv: 'P-256', x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') };
      key = createPublicKey({ key: jwk, format: 'jwk' });
    }
  } catch {
    key = null;
  }
  if (keys.size >= KEY_CACHE_LIMIT) keys.clear();
  keys.set(storedCoseKey, key);
  return key;
}

interface ClientData {
  type?: unknown;
  challenge?: unknown;
  origin?: unknown;
  crossOrigin?: unknown;
  topOrigin?: unknown;
}

/**
 * Everything WebAuthn asks of an assertion (user presence and verification both required, as Foyer asks for them):
 * a `webauthn.get` for our challenge from our origin, not from inside another site's frame; authenticatorData for our
 * relying party; a backup state the authenticator may claim; the signature over authenticatorData and the hash of
 * clientDataJSON. The caller checks the user handle, the counter and the account.
 */
export function verifyEs256Assertion(response: AuthenticationResponseJSON, storedCoseKey: string, expected: Expected): Es256Outcome {
  const key = es256Key(storedCoseKey);
  if (!key) return { kind: 'unsupported' };
  if (response.type !== 'public-key' || response.id !== response.rawId) return { kind: 'refused' };
  const clientDataJSON = Buffer.from(response.response.clientDataJSON, 'base64url');
  const authData = Buffer.from(response.response.authenticatorData, 'base64url');
  const flags = authData[32] ?? 0;
  if (flags & (FLAG_EXTENSIONS | FLAG_ATTESTED_CREDENTIAL)) return { kind: 'unsupported' };
  let clientData: ClientData;
  try {
    clientData = JSON.parse(clientDataJSON.toString('utf8')) as ClientData;
  } catch {
    return { kind: 'refused' };
  }
  const fromOurPage =
    clientData.type === 'webauthn.get' &&
    clientData.challenge === expected.challenge &&
    clientData.origin === expected.origin &&
    clientData.crossOrigin !== true &&
    clientData.topOrigin === undefined;
  const authenticated =
    authData.length === AUTH_DATA_LENGTH &&
    authData.subarray(0, 32).equals(rpIdHashOf(expected.rpId)) &&
    (flags & FLAG_USER_PRESENT) !== 0 &&
    (flags & FLAG_USER_VERIFIED) !== 0 &&
    // A credential that cannot be backed up cannot claim to be.
    ((flags & FLAG_BACKED_UP) === 0 || (flags & FLAG_BACKUP_ELIGIBLE) !== 0);
  if (!fromOurPage || !authenticated) return { kind: 'refused' };
  const signed = Buffer.concat([authData, sha256(clientDataJSON)]);
  let valid: boolean;
  try {
    valid = verify('sha256', signed, key, Buffer.from(response.response.signature, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) return { kind: 'refused' };
  return { kind: 'verified', newCounter: authData.readUInt32BE(33), backedUp: (flags & FLAG_BACKED_UP) !== 0 };
}
