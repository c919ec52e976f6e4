import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSoftwareAuthenticator } from '../auth/passkeys/testing.js';
import { builtinRoleId, groupMembers, userRoles, users } from '../accounts/index.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { seedGroup } from '../users/testing.js';
import { pruneHalfMadeAccounts } from './joining.js';
import { signupLinkJoins, signupLinks } from './schema.js';

let t: TestApp;
let adminCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin' });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(async () => {
  await t.close();
});

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function createLink(body: Record<string, unknown> = {}) {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/signup-links',
    headers: asBrowser(adminCookie),
    payload: { expiresAt: inDays(7), ...body },
  });
  expect(created.statusCode).toBe(201);
  return created.json() as { id: string; token: string };
}

const redeem = (token: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/api/v1/signup-links/${token}/redeem`, headers: { origin: TEST_ORIGIN }, payload: body });

const person = (n: string | number) => ({ name: `Person ${n}`, email: `person${n}@example.com`, username: `person${n}` });

async function registerPasskey(cookie: string) {
  const authenticator = createSoftwareAuthenticator({ origin: TEST_ORIGIN });
  const options = await t.app.inject({ method: 'POST', url: '/api/v1/me/passkeys/options', headers: asBrowser(cookie) });
  expect(options.statusCode).toBe(200);
  const response = authenticator.register(options.json().options);
  return t.app.inject({ method: 'POST', url: '/api/v1/me/passkeys', headers: asBrowser(cookie), payload: { response } });
}

const usesOf = async (id: string) => (await t.handle.db.select().from(signupLinks).where(eq(signupLinks.id, id)))[0]!.uses;

describe('joining through a sign-up link', () => {
  it('spends the use and gives roles and groups only when the first passkey is saved', async () => {
    const support = await seedGroup(t.handle, 'Support');
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const link = await createLink({ maxUses: 1, roleIds: [viewer], groupIds: [support.id] });

    const started = await redeem(link.token, person('ann'));
    expect(started.statusCode).toBe(201);
    const cookie = sessionCookieFrom(started);
    const [user] = await t.handle.db.select().from(users).where(eq(users.email, 'personann@example.com'));
    expect(await usesOf(link.id)).toBe(0);
    expect(await t.handle.db.select().from(userRoles).where(eq(userRoles.userId, user!.id))).toHaveLength(0);
    expect(await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, user!.id))).toHaveLength(0);
    expect((await t.app.inject({ url: `/api/v1/signup-links/${link.token}` })).statusCode).toBe(200);

    expect((await registerPasskey(cookie)).statusCode).toBe(201);
    expect(await usesOf(link.id)).toBe(1);
    expect(await t.handle.db.select().from(signupLinkJoins)).toHaveLength(0);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().user.roles).toEqual([expect.objectContaining({ id: viewer })]);
    expect(await t.handle.db.select().from(groupMembers).where(eq(groupMembers.userId, user!.id))).toHaveLength(1);
    expect((await redeem(link.token, person('bob'))).json().error.code).toBe('signup_link_used_up');
  });

  it('resumes a half-made account when the same email comes back, instead of answering email_taken', async () => {
    const link = await createLink({ maxUses: 1 });
    expect((await redeem(link.token, person('cat'))).statusCode).toBe(201);

    const again = await redeem(link.token, { ...person('cat'), name: 'Cat Corrected', email: 'PersonCat@example.com' });
    expect(again.statusCode).toBe(201);
    expect(again.json().user).toMatchObject({ email: 'personcat@example.com', name: 'Cat Corrected' });
    expect(await t.handle.db.select().from(users).where(eq(users.username, 'personcat'))).toHaveLength(1);
    expect((await registerPasskey(sessionCookieFrom(again))).statusCode).toBe(201);
    expect(await usesOf(link.id)).toBe(1);

    // Finished now: the address is an ordinary taken one, for this link as for any other.
    const other = await createLink();
    expect((await redeem(other.token, person('cat'))).json().error.code).toBe('email_taken');
  });

  it('does not resume an account that another link started', async () => {
    const first = await createLink();
    const second = await createLink();
    expect((await redeem(first.token, person('dan'))).statusCode).toBe(201);
    expect((await redeem(second.token, person('dan'))).json().error.code).toBe('email_taken');
  });

  it('lets only as many people finish as the link allows, however many started', async () => {
    const link = await createLink({ maxUses: 1 });
    const started = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(link.token, person(`race${i}`))));
    expect(started.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const finished = await Promise.all(started.map((r) => registerPasskey(sessionCookieFrom(r))));
    const codes = finished.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 410)).toHaveLength(19);
    expect(new Set(finished.filter((r) => r.statusCode === 410).map((r) => r.json().error.code))).toEqual(new Set(['signup_link_used_up']));
    expect(await usesOf(link.id)).toBe(1);
  });

  it('housekeeping removes half-made accounts that waited longer than the link lasts, or whose link is dead', async () => {
    const link = await createLink({ expiresAt: inDays(2) });
    const once = await createLink({ maxUses: 1 });
    expect((await redeem(link.token, person('slow'))).statusCode).toBe(201);
    expect((await redeem(once.token, person('loser'))).statusCode).toBe(201);
    expect((await registerPasskey(sessionCookieFrom(await redeem(once.token, person('winner')))))).toMatchObject({ statusCode: 201 });

    expect(await pruneHalfMadeAccounts(t.handle.db, new Date())).toBe(1);
    expect(await t.handle.db.select().from(users).where(eq(users.email, 'personloser@example.com'))).toHaveLength(0);
    expect(await t.handle.db.select().from(users).where(eq(users.email, 'personwinner@example.com'))).toHaveLength(1);

    expect(await pruneHalfMadeAccounts(t.handle.db, new Date(Date.now() + 86_400_000))).toBe(0);
    expect(await pruneHalfMadeAccounts(t.handle.db, new Date(Date.now() + 2 * 86_400_000 + 1000))).toBe(1);
    expect(await t.handle.db.select().from(users).where(eq(users.email, 'personslow@example.com'))).toHaveLength(0);
  });
});

describe('sign-up link names and notes', () => {
  it('are kept and listed for administrators, and never shown to whoever follows the link', async () => {
    const link = await createLink({ name: 'Spring interns', note: 'Handed out at the welcome day' });
    const list = (await t.app.inject({ url: '/api/v1/admin/signup-links', headers: { cookie: adminCookie } })).json();
    expect(list.items[0]).toMatchObject({ id: link.id, name: 'Spring interns', note: 'Handed out at the welcome day' });
    const check = await t.app.inject({ url: `/api/v1/signup-links/${link.token}` });
    expect(check.body).not.toContain('Spring interns');
    const unnamed = await createLink();
    expect(unnamed).toMatchObject({ name: '', note: '' });
  });
});
