import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../platform/paths.js';
import { FoyerError } from '../../platform/errors.js';
import { hashPassword } from './hashing.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_TOO_LONG, PASSWORD_TOO_SHORT, passwordLength } from '../fields.js';

/**
 * ASVS 6.2.4: the most common passwords, shipped with the app (see docs/passwords.md for where the list comes from).
 * Read from the source tree rather than compiled in, so the same file serves `tsx` and the built server alike.
 */
export const COMMON_PASSWORDS_FILE = join(appRoot, 'src', 'auth', 'passwords', 'common-passwords.txt');

let commonPasswords: ReadonlySet<string> | undefined;
const common = () =>
  (commonPasswords ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0),
  ));

/**
 * The one rule every new password meets, wherever it is chosen (NIST SP 800-63B-4): 8 to 256 characters and not on
 * the common-password list, compared without regard to case. No composition rules: they make passwords harder to
 * remember without making them harder to guess. `field` names the input in the error so the form can point at it.
 */
export function assertPasswordAllowed(password: string, field = 'password'): void {
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) throw refusal(field, 'password_too_short', PASSWORD_TOO_SHORT);
  if (length > PASSWORD_MAX_LENGTH) throw refusal(field, 'password_too_long', PASSWORD_TOO_LONG);
  if (common().has(password.toLowerCase())) {
    throw refusal(field, 'password_too_common', 'This password is one of the most commonly used ones. Choose another.');
  }
}

const refusal = (field: string, code: string, message: string) =>
  new FoyerError(400, code, message, { details: { fields: { [field]: message } } });

/**
 * Checks the policy and hashes a new password: call before the transaction that creates or changes the account,
 * because argon2 takes tens of milliseconds and memory that must never be spent while rows are locked.
 */
export async function hashNewPassword(password: string): Promise<string> {
  assertPasswordAllowed(password);
  return hashPassword(password);
}
