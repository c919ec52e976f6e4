import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** OWASP's argon2id minimum (m=19 MiB, t=2, p=1): strong enough, and cheap enough to keep sign-in fast. */
// `Algorithm` is an ambient const enum that isolated modules cannot read; 2 is its Argon2id member.
export const ARGON2_PARAMS = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2_PARAMS);

// A real hash of a throwaway password: verifying against it costs exactly what a real check costs,
// so an unknown identifier cannot be told apart by timing.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hash('foyer-decoy-password-never-matches', ARGON2_PARAMS));

/** How a password is checked; injectable so tests can count the argon2 work without spying. */
export type PasswordVerifier = (storedHash: string | null, password: string) => Promise<boolean>;

/**
 * Verifies `password` against `storedHash`, or burns the same work against a decoy when there is none. A stored hash
 * argon2 cannot read is a fault in the data, not a wrong password: it is thrown, never silently turned into "no".
 */
export const verifyPassword: PasswordVerifier = async (storedHash, password) => {
  if (!storedHash) {
    await verify(await decoy(), password);
    return false;
  }
  return verify(storedHash, password);
};

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../fields.js';
