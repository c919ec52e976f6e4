import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mfaMethods } from '../auth/mfa/schema.js';
import { passkeys } from '../auth/passkeys/schema.js';
import { builtinRoleId } from '../accounts/index.js';
import { ssoIdentities, ssoProviders } from '../sso/schema.js';
import { createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { seedGroup } from './testing.js';

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  cookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

interface Listed {
  id: string;
  authMethod: string;
  signInMethods: string[];
  twoFactorEnabled: boolean;
  emailVerified: boolean;
}

async function listed(): Promise<Map<string, Listed>> {
  const res = await t.app.inject({ url: '/api/v1/admin/users?limit=50', headers: { cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return new Map((res.json() as { items: Listed[] }).items.map((u) => [u.id, u]));
}

describe('the users list', () => {
  it('names every way in an account really has, whether it has two-factor on and whether its email is verified', async () => {
    const now = new Date();
    const passkeyOnly = await seedUser(t.handle, { password: undefined, emailVerified: true });
    await t.handle.db.insert(passkeys).values({
      userId: passkeyOnly.id,
      credentialId: 'credential-1',
      publicKey: 'key',
      backedUp: false,
      deviceType: 'singleDevice',
      name: 'Laptop',
      createdAt: now,
    });
    const withPassword = await seedUser(t.handle);
    await t.handle.db.insert(mfaMethods).values({ userId: withPassword.id, kind: 'email', createdAt: now, confirmedAt: now });
    const enrolling = await seedUser(t.handle);
    await t.handle.db.insert(mfaMethods).values({ userId: enrolling.id, kind: 'email', createdAt: now });
    const linked = await seedUser(t.handle);
    const [provider] = await t.handle.db
      .insert(ssoProviders)
      .values({ name: 'Corp', issuer: 'https://id.example.com', clientId: 'foyer', scopes: ['openid'], createdAt: now, updatedAt: now })
      .returning();
    await t.handle.db.insert(ssoIdentities).values({ providerId: provider!.id, subject: 'sub-1', userId: linked.id, linkedAt: now });
    const pending = await seedUser(t.handle, { password: undefined });

    const users = await listed();
    expect(users.get(passkeyOnly.id)).toMatchObject({ authMethod: 'local', signInMethods: ['passkey'], twoFactorEnabled: false, emailVerified: true });
    expect(users.get(withPassword.id)).toMatchObject({ signInMethods: ['password'], twoFactorEnabled: true, emailVerified: false });
    expect(users.get(enrolling.id)).toMatchObject({ twoFactorEnabled: false });
    expect(users.get(linked.id)).toMatchObject({ authMethod: 'sso_password', signInMethods: ['password', 'sso'] });
    expect(users.get(pending.id)).toMatchObject({ authMethod: 'pending_setup', signInMethods: [] });
  });
});

describe('the user page', () => {
  it('names the group each role held through a group comes from', async () => {
    const member = await builtinRoleId(t.handle.db, 'member');
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const person = await seedUser(t.handle, { roleIds: [viewer] });
    const engineering = await seedGroup(t.handle, 'Engineering', [member], [person.id]);
    const res = await t.app.inject({ url: `/api/v1/admin/users/${person.id}`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const user = res.json().user;
    expect(user.roles.map((r: { name: string }) => r.name)).toEqual(['Viewer']);
    expect(user.rolesFromGroups).toEqual([{ id: member, name: 'Member', group: { id: engineering.id, name: 'Engineering' } }]);
  });
});
