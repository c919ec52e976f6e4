import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemContext } from '../audit/record.js';
import { verifyPassword } from '../auth/passwords/hashing.js';
import { createTestApp, type TestApp } from '../../test/support.js';
import { createUser, hashNewPassword } from './service.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const person = { name: 'Hana Hashed', email: 'hana@example.com', username: 'hana' };

describe('createUser and argon2', () => {
  it('refuses to hash inside a transaction: every flow hashes first and passes the hash in', async () => {
    await expect(t.handle.db.transaction((tx) => createUser(tx, systemContext(), { ...person, password: 'correct horse battery' }, t.config))).rejects.toThrow(
      /before the transaction/,
    );
    const passwordHash = await hashNewPassword('correct horse battery');
    const user = await t.handle.db.transaction((tx) => createUser(tx, systemContext(), { ...person, passwordHash }, t.config));
    expect(await verifyPassword(user.passwordHash, 'correct horse battery')).toBe(true);
  });
});
