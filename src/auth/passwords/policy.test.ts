import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FoyerError } from '../../platform/errors.js';
import { assertPasswordAllowed, COMMON_PASSWORDS_FILE } from './policy.js';

const refusalOf = (password: string, field?: string) => {
  try {
    assertPasswordAllowed(password, field);
    return null;
  } catch (error) {
    if (!(error instanceof FoyerError)) throw error;
    return { status: error.status, code: error.code, fields: error.details?.fields };
  }
};

describe('the password policy', () => {
  it('accepts 8 to 256 characters and refuses either side, naming the field', () => {
    expect(refusalOf('seven c')).toEqual({ status: 400, code: 'password_too_short', fields: { password: 'Use at least 8 characters.' } });
    expect(refusalOf('eight ch')).toBeNull();
    expect(refusalOf('x'.repeat(256))).toBeNull();
    expect(refusalOf('x'.repeat(257), 'newPassword')).toMatchObject({ code: 'password_too_long', fields: { newPassword: expect.any(String) } });
  });

  it('counts characters as people see them, so an emoji is one', () => {
    expect(refusalOf('🔑🔑🔑🔑🔑🔑🔑')?.code).toBe('password_too_short');
    expect(refusalOf('🔑🔑🔑🔑🔑🔑🔑🔑')).toBeNull();
  });

  it('has no composition rules', () => {
    expect(refusalOf('all lowercase words here')).toBeNull();
  });

  it('refuses common passwords whatever their case', () => {
    for (const common of ['password', 'PassWord1', 'iloveyou1', 'QWERTYUIOP', '1q2w3e4r5t']) {
      expect(refusalOf(common)).toMatchObject({ status: 400, code: 'password_too_common', fields: { password: expect.any(String) } });
    }
  });

  it('ships a list of at least the 10,000 most common passwords', () => {
    const lines = readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n').filter(Boolean);
    // Shorter ones are refused by length already, so the list only keeps passwords of 8 characters or more.
    expect(lines.length).toBeGreaterThan(10_000);
    expect(lines.every((line) => [...line].length >= 8 && line === line.toLowerCase())).toBe(true);
  });
});
