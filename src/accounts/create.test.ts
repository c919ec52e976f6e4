import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemContext } from '../audit/record.js';
import { hashNewPassword } from '../auth/index.js';
import { verifyPassword } from '../auth/passwords/hashing.js';
import { createTestApp, type TestApp } from '../../test/support.js';
import { createUser } from './create.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const person = { name: 'Hana Hashed', email: 'hana@example.com', username: 'hana' };

describe('createUser and argon2', () => {
  it('takes only a hash, so argon2 never runs inside a transaction: every flow hashes first and passes the hash in', async () => {
    const passwordHash = await hashNewPassword('correct horse battery');
    const user = await t.handle.db.transaction((tx) => createUser(tx, systemContext(), { ...person, passwordHash }, t.config));
    expect(await verifyPassword(user.passwordHash, 'correct horse battery')).toBe(true);

    const unhashed = await t.handle.db.transaction((tx) =>
      createUser(tx, systemContext(), {
        name: 'Cleo Clear',
        email: 'cleo@example.com',
        username: 'cleo',
        // @ts-expect-error a password in clear is no part of a new user: accounts cannot hash it
        password: 'correct horse battery',
      }, t.config),
    );
    expect(unhashed.passwordHash).toBeNull();
  });
});
