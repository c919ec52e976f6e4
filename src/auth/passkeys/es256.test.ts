import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { verifyEs256Assertion } from './es256.js';

/**
 * The ES256 check against @simplewebauthn/server, which Foyer used for every passkey before: on each assertion here,
 * genuine or tampered with, both must agree, and the fast check must never accept what the library refuses.
 */
const expected = { challenge: 'the-challenge', origin: 'https://foyer.example', rpId: 'foyer.example' };
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64url = (bytes: Buffer) => bytes.toString('base64url');
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = publicKey.export({ format: 'jwk' });
const coseKey = (alg = -7) =>
  b64url(Buffer.from(isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, alg], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]))));
const STORED = coseKey();

interface Parts {
  flags?: number;
  rpId?: string;
  counter?: number;
  clientData?: Record<string, unknown>;
  extraAuthData?: Buffer;
  /** Changes the signed bytes after signing. */
  afterSigning?: (authData: Buffer, signature: Buffer) => void;
}

function assertion(parts: Parts = {}): AuthenticationResponseJSON {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(parts.counter ?? 7);
  const authData = Buffer.concat([sha256(parts.rpId ?? expected.rpId), Buffer.from([parts.flags ?? 0x05]), counter, parts.extraAuthData ?? Buffer.alloc(0)]);
  const clientDataJSON = Buffer.from(
    JSON.stringify({ type: 'webauthn.get', challenge: expected.challenge, origin: expected.origin, crossOrigin: false, ...parts.clientData }),
  );
  const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), privateKey);
  parts.afterSigning?.(authData, signature);
  return {
    id: 'cred',
    rawId: 'cred',
    type: 'public-key',
    clientExtensionResults: {},
    response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature) },
  };
}

async function libraryVerifies(response: AuthenticationResponseJSON, stored = STORED): Promise<boolean> {
  try {
    const { verified } = await verifyAuthenticationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: expected.origin,
      expectedRPID: expected.rpId,
      credential: { id: 'cred', publicKey: Buffer.from(stored, 'base64url'), counter: 0 },
      requireUserVerification: true,
    });
    return verified;
  } catch {
    return false;
  }
}

describe('the ES256 assertion check', () => {
  it('accepts a genuine assertion with its counter and backup state, as the library does', async () => {
    const plain = assertion({ counter: 41 });
    expect(verifyEs256Assertion(plain, STORED, expected)).toEqual({ kind: 'verified', newCounter: 41, backedUp: false });
    expect(await libraryVerifies(plain)).toBe(true);
    const synced = assertion({ flags: 0x05 | 0x08 | 0x10, counter: 0 });
    expect(verifyEs256Assertion(synced, STORED, expected)).toEqual({ kind: 'verified', newCounter: 0, backedUp: true });
    expect(await libraryVerifies(synced)).toBe(true);
  });

  const tampered: [string, AuthenticationResponseJSON][] = [
    ['a signature changed after signing', assertion({ afterSigning: (_a, signature) => void (signature[signature.length - 1]! ^= 1) })],
    ['authenticatorData changed after signing', assertion({ afterSigning: (authData) => void (authData[36]! ^= 1) })],
    ['another challenge', assertion({ clientData: { challenge: 'another' } })],
    ['another origin', assertion({ clientData: { origin: 'https://evil.example' } })],
    ['a registration instead of a sign-in', assertion({ clientData: { type: 'webauthn.create' } })],
    ['another relying party', assertion({ rpId: 'evil.example' })],
    ['no user verification', assertion({ flags: 0x01 })],
    ['no user presence', assertion({ flags: 0x04 })],
    ['backed up without being eligible', assertion({ flags: 0x05 | 0x10 })],
    ['a top origin outside a cross-origin frame', assertion({ clientData: { topOrigin: 'https://evil.example' } })],
    ['trailing bytes in authenticatorData', assertion({ extraAuthData: Buffer.from([0]) })],
    ['an id that is not the raw id', { ...assertion(), rawId: 'other' }],
  ];
  for (const [what, response] of tampered) {
    it(`refuses ${what}, as the library does`, async () => {
      expect(verifyEs256Assertion(response, STORED, expected)).toEqual({ kind: 'refused' });
      expect(await libraryVerifies(response)).toBe(false);
    });
  }

  it('leaves keys of other algorithms and assertions with extensions to the library', () => {
    expect(verifyEs256Assertion(assertion(), coseKey(-8), expected)).toEqual({ kind: 'unsupported' });
    expect(verifyEs256Assertion(assertion(), 'not a key', expected)).toEqual({ kind: 'unsupported' });
    expect(verifyEs256Assertion(assertion({ flags: 0x85, extraAuthData: Buffer.from(isoCBOR.encode(new Map([['credProps', true]]))) }), STORED, expected)).toEqual({
      kind: 'unsupported',
    });
  });
});
