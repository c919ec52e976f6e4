import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/** A credential the software authenticator holds, exposed so tests can tamper with its state. */
export interface SoftwareCredential {
  id: Buffer;
  rpId: string;
  userHandle: string;
  privateKey: KeyObject;
  signCount: number;
}

export interface CeremonyOverrides {
  /** The page origin the browser would report; defaults to the authenticator's origin. */
  origin?: string;
  /** The relying party whose hash goes into authenticatorData; defaults to the options' rp id. */
  rpId?: string;
  /** Sign with this counter instead of the next one (a cloned key replays an old count). */
  signCount?: number;
  userVerified?: boolean;
}

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_ATTESTED_CREDENTIAL = 0x40;
// COSE key labels (RFC 9052): kty EC2 = 2, alg ES256 = -7, crv P-256 = 1.
const COSE_ES256 = { kty: 1, alg: 3, crv: -1, x: -2, y: -3 } as const;

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

function coseKeyOf(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const key = new Map<number, number | Uint8Array>([
    [COSE_ES256.kty, 2],
    [COSE_ES256.alg, -7],
    [COSE_ES256.crv, 1],
    [COSE_ES256.x, Buffer.from(jwk.x!, 'base64url')],
    [COSE_ES256.y, Buffer.from(jwk.y!, 'base64url')],
  ]);
  return isoCBOR.encode(key);
}

function counterBytes(count: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(count);
  return bytes;
}

function clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/**
 * A platform authenticator in software: ES256 keys from Node's crypto, attestation `none`, real authenticatorData,
 * clientDataJSON and signatures, so the server's verification runs exactly as it does for a browser. Used by the
 * HTTP tests and the benchmarks.
 */
export function createSoftwareAuthenticator(options: { origin: string }) {
  const credentials: SoftwareCredential[] = [];

  function register(creation: PublicKeyCredentialCreationOptionsJSON, overrides: CeremonyOverrides = {}): RegistrationResponseJSON {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rpId = overrides.rpId ?? creation.rp.id ?? new URL(options.origin).hostname;
    const credential: SoftwareCredential = { id: randomBytes(16), rpId, userHandle: creation.user.id, privateKey, signCount: 0 };
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const flags = FLAG_USER_PRESENT | FLAG_ATTESTED_CREDENTIAL | (overrides.userVerified === false ? 0 : FLAG_USER_VERIFIED);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([flags]),
      counterBytes(0),
      Buffer.alloc(16),
      idLength,
      credential.id,
      coseKeyOf(publicKey),
    ]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([
      ['fmt', 'none'],
      ['attStmt', new Map()],
      ['authData', authData],
    ]) as Parameters<typeof isoCBOR.encode>[0]);
    credentials.push(credential);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData('webauthn.create', creation.challenge, overrides.origin ?? options.origin)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** Answers with the credential the options allow, or (discoverable sign-in) the newest one for the rp id. */
  function assert(request: PublicKeyCredentialRequestOptionsJSON, overrides: CeremonyOverrides = {}): AuthenticationResponseJSON {
    const rpId = request.rpId ?? new URL(options.origin).hostname;
    const allowed = new Set((request.allowCredentials ?? []).map((c) => c.id));
    const credential = [...credentials]
      .reverse()
      .find((c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(b64url(c.id))));
    if (!credential) throw new Error(`the software authenticator holds no credential for ${rpId}`);
    credential.signCount = overrides.signCount ?? credential.signCount + 1;
    const flags = FLAG_USER_PRESENT | (overrides.userVerified === false ? 0 : FLAG_USER_VERIFIED);
    const authData = Buffer.concat([sha256(overrides.rpId ?? rpId), Buffer.from([flags]), counterBytes(credential.signCount)]);
    const clientDataJSON = clientData('webauthn.get', request.challenge, overrides.origin ?? options.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
    };
  }

  return { credentials, register, assert };
}

export type SoftwareAuthenticator = ReturnType<typeof createSoftwareAuthenticator>;
