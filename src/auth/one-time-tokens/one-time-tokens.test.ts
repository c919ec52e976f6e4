import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../platform/db.js';
import { createTestDatabase, seedUser } from '../../../test/support.js';
import { oneTimeTokens } from './schema.js';
import {
  consumeOneTimeToken,
  endUnusedOneTimeTokens,
  isOneTimeTokenUsable,
  issueOneTimeToken,
  issueReferencedOneTimeToken,
  withdrawOneTimeTokens,
} from './service.js';

const MINUTE = 60_000;
const now = new Date('2026-06-01T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

let handle: DatabaseHandle;
beforeEach(async () => {
  handle = await createTestDatabase();
});
afterEach(() => handle.close());

describe('the one-time token store', () => {
  it('spends a token once, and only for the purpose it was issued for', async () => {
    const person = await seedUser(handle);
    const token = await issueOneTimeToken(handle.db, { purpose: 'login_link', userId: person.id, ttlMs: MINUTE, now });
    expect(await isOneTimeTokenUsable(handle.db, 'password_reset', token, now)).toBe(false);
    expect(await consumeOneTimeToken(handle.db, 'password_reset', token, now)).toBeNull();
    expect(await isOneTimeTokenUsable(handle.db, 'login_link', token, now)).toBe(true);
    expect(await consumeOneTimeToken(handle.db, 'login_link', token, now)).toMatchObject({ userId: person.id, usedAt: now });
    expect(await consumeOneTimeToken(handle.db, 'login_link', token, now)).toBeNull();
    expect(await isOneTimeTokenUsable(handle.db, 'login_link', token, now)).toBe(false);
  });

  it('refuses a token from the moment it expires', async () => {
    const token = await issueOneTimeToken(handle.db, { purpose: 'setup', userId: null, ttlMs: MINUTE, now });
    expect(await consumeOneTimeToken(handle.db, 'setup', token, later(MINUTE))).toBeNull();
    expect(await consumeOneTimeToken(handle.db, 'setup', token, later(MINUTE - 1))).not.toBeNull();
  });

  it('withdraws unused tokens by the id their feature keeps, and leaves used ones as they were', async () => {
    const person = await seedUser(handle);
    const used = await issueReferencedOneTimeToken(handle.db, { purpose: 'login_link', userId: person.id, ttlMs: MINUTE, now });
    const unused = await issueReferencedOneTimeToken(handle.db, { purpose: 'login_link', userId: person.id, ttlMs: MINUTE, now });
    expect(await consumeOneTimeToken(handle.db, 'login_link', used.token, now)).toMatchObject({ id: used.id });

    expect(await withdrawOneTimeTokens(handle.db, [used.id, unused.id])).toBe(1);
    expect(await consumeOneTimeToken(handle.db, 'login_link', unused.token, now)).toBeNull();
    const left = await handle.db.select({ id: oneTimeTokens.id, usedAt: oneTimeTokens.usedAt }).from(oneTimeTokens);
    expect(left).toEqual([{ id: used.id, usedAt: now }]);
    expect(await withdrawOneTimeTokens(handle.db, [])).toBe(0);
  });

  it("ends a person's unused links to their address, and leaves login links to their feature", async () => {
    const person = await seedUser(handle);
    const issue = (purpose: 'set_password' | 'password_reset' | 'email_verification' | 'login_link') =>
      issueOneTimeToken(handle.db, { purpose, userId: person.id, ttlMs: MINUTE, now });
    await issue('set_password');
    await issue('password_reset');
    await issue('email_verification');
    const loginLink = await issue('login_link');

    expect(await endUnusedOneTimeTokens(handle.db, person.id)).toBe(3);
    const left = await handle.db.select({ purpose: oneTimeTokens.purpose }).from(oneTimeTokens).where(eq(oneTimeTokens.userId, person.id));
    expect(left).toEqual([{ purpose: 'login_link' }]);
    expect(await isOneTimeTokenUsable(handle.db, 'login_link', loginLink, now)).toBe(true);
  });
});
