import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accessRequests } from '../access-requests/schema.js';
import { auditEvents } from '../audit/schema.js';
import { systemContext } from '../audit/record.js';
import { inviteUser } from '../invitations/service.js';
import { asBrowser, seedUser, signIn, TEST_ORIGIN } from '../../test/support.js';
import { builtinRoleId, users } from '../accounts/index.js';
import { callbackUrl } from './flow.js';
import { ssoProviders } from './schema.js';
import { startTestProvider } from './test-provider.js';
import {
  adminCookie,
  authMethodOf,
  identitiesOf,
  idp,
  linkViaAccount,
  locationOf,
  providerId,
  roundTrip,
  sessionOf,
  setLinkHint,
  t,
  useSsoTestbed,
} from './testbed.js';

useSsoTestbed();

describe('SSO providers (admin)', () => {
  it('keep the client secret sealed and never show it, and appear on the sign-in page only while enabled', async () => {
    const [row] = await t.handle.db.select().from(ssoProviders).where(eq(ssoProviders.id, providerId));
    expect(row!.clientSecretSealed).not.toContain(idp.clientSecret);
    const list = await t.app.inject({ url: '/api/v1/admin/sso-providers', headers: { cookie: adminCookie } });
    expect(list.body).not.toContain(idp.clientSecret);
    expect(list.json().items).toEqual([
      expect.objectContaining({ id: providerId, name: 'Corp ID', clientSecretSet: true, scopes: ['openid', 'email', 'profile'], enabled: true }),
    ]);

    const options = async () => (await t.app.inject({ url: '/api/v1/auth/sign-in-options' })).json();
    expect((await options()).ssoProviders).toEqual([{ id: providerId, name: 'Corp ID' }]);
    const disabled = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/sso-providers/${providerId}`,
      headers: asBrowser(adminCookie),
      payload: { enabled: false },
    });
    expect(disabled.json().provider).toMatchObject({ enabled: false, clientSecretSet: true });
    expect((await options()).ssoProviders).toEqual([]);
    const start = await t.app.inject({ url: `/api/v1/auth/sso/${providerId}/start` });
    expect(locationOf(start).searchParams.get('sso_error')).toBe('not_found');

    const removed = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/sso-providers/${providerId}`, headers: asBrowser(adminCookie) });
    expect(removed.statusCode).toBe(204);
    const actions = (await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, providerId))).map((e) => e.action);
    expect(actions).toEqual(['sso_provider.created', 'sso_provider.updated', 'sso_provider.deleted']);
  });

  it('and every single sign-on path are described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const path of [
      '/api/v1/admin/sso-providers',
      '/api/v1/admin/sso-providers/{id}',
      '/api/v1/admin/sso-providers/{id}/test',
      '/api/v1/auth/sso/{id}/start',
      '/api/v1/auth/sso/callback',
      '/api/v1/me/sso',
      '/api/v1/admin/users/{id}/sso/{providerId}',
      '/api/v1/admin/users/{id}/auth-method',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('need settings.manage, and refuse plain-http issuers that are not on this machine', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const viewerCookie = await signIn(t.app, viewer.email);
    expect((await t.app.inject({ url: '/api/v1/admin/sso-providers', headers: { cookie: viewerCookie } })).statusCode).toBe(403);
    const insecure = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sso-providers',
      headers: asBrowser(adminCookie),
      payload: { name: 'Plain', issuer: 'http://id.example.com', clientId: 'x' },
    });
    expect(insecure.statusCode).toBe(400);
    expect(insecure.json().error.details.fields).toHaveProperty('issuer');
  });

  it('test the connection and say what is wrong in words', async () => {
    const ok = await t.app.inject({ method: 'POST', url: `/api/v1/admin/sso-providers/${providerId}/test`, headers: asBrowser(adminCookie) });
    expect(ok.json()).toMatchObject({ ok: true, problems: [], issuer: idp.issuer });

    const wrongPath = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sso-providers/test',
      headers: asBrowser(adminCookie),
      payload: { issuer: `${idp.issuer}/realms/none`, clientId: 'foyer' },
    });
    expect(wrongPath.json().ok).toBe(false);
    expect(wrongPath.json().problems[0]).toMatch(/openid-configuration answered with an error status/);

    const gone = await startTestProvider({ redirectUri: callbackUrl(t.config), accounts: [] });
    await gone.stop();
    const nobody = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/sso-providers/test',
      headers: asBrowser(adminCookie),
      payload: { issuer: gone.issuer, clientId: 'foyer' },
    });
    expect(nobody.json().ok).toBe(false);
    expect(nobody.json().problems[0]).toMatch(/connection refused/);
  });
});

describe('Signing in with SSO', () => {
  it('signs in a linked user with a session, linked earlier from My account', async () => {
    const alice = await seedUser(t.handle, { email: 'someone.else@example.com' });
    const aliceCookie = await signIn(t.app, alice.email);
    const linked = await linkViaAccount(aliceCookie, 'alice');
    expect(locationOf(linked).pathname).toBe('/');
    expect(locationOf(linked).searchParams.get('sso_linked')).toBe('Corp ID');
    expect(await authMethodOf(alice.id)).toBe('sso_password');

    const mine = await t.app.inject({ url: '/api/v1/me/sso', headers: { cookie: aliceCookie } });
    expect(mine.json().items).toEqual([expect.objectContaining({ providerId, name: 'Corp ID', enabled: true })]);
    expect(mine.body).not.toContain('alice-sub');

    const signedIn = await roundTrip('alice');
    expect(signedIn.statusCode).toBe(302);
    expect(String(signedIn.headers.location)).toBe('/');
    const session = sessionOf(signedIn)!;
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: `${session.name}=${session.value}` } });
    expect(me.json().user.id).toBe(alice.id);
    const logins = await t.handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.login.succeeded'), eq(auditEvents.actorId, alice.id)));
    expect(logins.map((e) => (e.details as { method: string }).method)).toEqual(['password', 'sso']);

    // Removing the provider ends the sessions signed in through it (the database's cascade), and only those.
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/v1/admin/sso-providers/${providerId}`, headers: asBrowser(adminCookie) });
    expect(removed.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: `${session.name}=${session.value}` } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: aliceCookie } })).statusCode).toBe(200);
  });

  it("returns to the app's sign-in it started from, and only to one on this Foyer", async () => {
    const alice = await seedUser(t.handle, { email: 'someone.else@example.com' });
    await linkViaAccount(await signIn(t.app, alice.email), 'alice');

    const fromApp = await roundTrip('alice', { next: '/oidc/interaction/abc-123_x' });
    expect(String(fromApp.headers.location)).toBe('/oidc/interaction/abc-123_x');
    expect(sessionOf(fromApp)).toBeDefined();
    for (const next of ['//evil.example.com/oidc/interaction/x', 'https://evil.example.com/', '/oidc/interaction/x/../../admin']) {
      expect(String((await roundTrip('alice', { next })).headers.location)).toBe('/');
    }
  });

  it('never links from a start that any site can send a signed-in browser to; only the POST from My account links', async () => {
    const alice = await seedUser(t.handle, { email: 'alice.local@example.com' });
    const aliceCookie = await signIn(t.app, alice.email);
    const crossSite = await roundTrip('alice', { session: aliceCookie });
    expect(locationOf(crossSite).searchParams.get('sso_linked')).toBeNull();
    expect(locationOf(crossSite).searchParams.get('sso_error')).toBe('sso_account_not_found');
    expect(await identitiesOf(alice.id)).toEqual([]);
    expect(locationOf(await linkViaAccount(aliceCookie, 'alice')).searchParams.get('sso_linked')).toBe('Corp ID');
  });

  it('lets people link a provider themselves only while the administrator has switched "Add SSO" on', async () => {
    await setLinkHint(false);
    const alice = await seedUser(t.handle, { email: 'alice.local@example.com' });
    const aliceCookie = await signIn(t.app, alice.email);
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/me/sso/${providerId}/link`, headers: asBrowser(aliceCookie) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('sso_linking_disabled');
    expect(refused.cookies.find((c) => c.name === 'foyer_sso_flow')).toBeUndefined();
    await setLinkHint(true);
    expect(locationOf(await linkViaAccount(aliceCookie, 'alice')).searchParams.get('sso_linked')).toBe('Corp ID');
  });

  it('refuses an unlinked sign-in whose verified email belongs to a local account', async () => {
    const alice = await seedUser(t.handle, { email: 'Alice@Example.com' });
    const refused = await roundTrip('alice');
    expect(locationOf(refused).pathname).toBe('/login');
    expect(locationOf(refused).searchParams.get('sso_error')).toBe('local_account_exists');
    expect(sessionOf(refused)).toBeUndefined();
    expect(await identitiesOf(alice.id)).toEqual([]);
  });

  it('links automatically after an administrator switched the account to SSO, and switches back', async () => {
    const alice = await seedUser(t.handle, { email: 'alice@example.com' });
    const switched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${alice.id}/auth-method`,
      headers: asBrowser(adminCookie),
      payload: { method: 'sso' },
    });
    expect(switched.statusCode).toBe(200);
    expect(switched.json().user.authMethod).toBe('sso');
    // The password stops working once the account signs in through SSO.
    const password = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin: TEST_ORIGIN },
      payload: { identifier: alice.email, password: 'correct horse battery' },
    });
    expect(password.statusCode).toBe(401);

    const signedIn = await roundTrip('alice');
    expect(String(signedIn.headers.location)).toBe('/');
    expect(sessionOf(signedIn)).toBeDefined();
    expect(await identitiesOf(alice.id)).toHaveLength(1);
    const detail = await t.app.inject({ url: `/api/v1/admin/users/${alice.id}/sso`, headers: { cookie: adminCookie } });
    expect(detail.json()).toMatchObject({ method: 'sso', items: [{ providerId, name: 'Corp ID' }] });

    const back = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${alice.id}/auth-method`,
      headers: asBrowser(adminCookie),
      payload: { method: 'local' },
    });
    expect(back.json().user.authMethod).toBe('pending_setup');
    expect(await identitiesOf(alice.id)).toEqual([]);
    expect(locationOf(await roundTrip('alice')).searchParams.get('sso_error')).toBe('local_account_exists');
  });

  it('never links on an email the provider has not verified', async () => {
    const bob = await seedUser(t.handle, { email: 'bob@example.com' });
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${bob.id}/auth-method`,
      headers: asBrowser(adminCookie),
      payload: { method: 'sso' },
    });
    const refused = await roundTrip('bob');
    expect(locationOf(refused).searchParams.get('sso_error')).toBe('sso_email_not_verified');
    expect(sessionOf(refused)).toBeUndefined();
    expect(await identitiesOf(bob.id)).toEqual([]);
  });

  it('refuses an unknown person unless registration is allowed, which creates an account awaiting approval and a request', async () => {
    const refused = await roundTrip('carol');
    expect(locationOf(refused).searchParams.get('sso_error')).toBe('sso_account_not_found');
    expect(await t.handle.db.select().from(users).where(eq(users.email, 'carol@example.com'))).toEqual([]);

    const on = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(adminCookie),
      payload: { registration: { ssoRegistrationEnabled: true } },
    });
    expect(on.statusCode).toBe(200);
    const registered = await roundTrip('carol');
    expect(locationOf(registered).pathname).toBe('/login');
    expect(locationOf(registered).searchParams.get('sso_notice')).toBe('awaiting_approval');
    expect(sessionOf(registered)).toBeUndefined();

    const [carol] = await t.handle.db.select().from(users).where(eq(users.email, 'carol@example.com'));
    expect(carol).toMatchObject({ status: 'pending_approval', passwordHash: null, name: 'Carol Newcomer' });
    expect(carol!.emailVerifiedAt).not.toBeNull();
    const roles = await t.app.inject({ url: `/api/v1/admin/users/${carol!.id}`, headers: { cookie: adminCookie } });
    expect(roles.json().user.roles).toEqual([]);
    const [request] = await t.handle.db.select().from(accessRequests).where(eq(accessRequests.userId, carol!.id));
    expect(request).toMatchObject({ email: 'carol@example.com', source: 'sso', status: 'pending' });

    // Until an administrator approves, every SSO sign-in lands on the same notice.
    const again = await roundTrip('carol');
    expect(locationOf(again).searchParams.get('sso_notice')).toBe('awaiting_approval');
    expect(await identitiesOf(carol!.id)).toHaveLength(1);
  });

  it('does not strand a person whose SSO registration was declined: the waiting account goes, and they can ask again', async () => {
    await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { registration: { ssoRegistrationEnabled: true } } });
    expect(locationOf(await roundTrip('carol')).searchParams.get('sso_notice')).toBe('awaiting_approval');
    const [carol] = await t.handle.db.select().from(users).where(eq(users.email, 'carol@example.com'));
    const [request] = await t.handle.db.select().from(accessRequests).where(eq(accessRequests.userId, carol!.id));
    const declined = await t.app.inject({ method: 'POST', url: '/api/v1/admin/access-requests/decline', headers: asBrowser(adminCookie), payload: { ids: [request!.id] } });
    expect(declined.json().results).toEqual([{ id: request!.id, outcome: 'declined' }]);
    const [gone] = await t.handle.db.select().from(users).where(eq(users.id, carol!.id));
    expect(gone!.deletedAt).not.toBeNull();
    expect(await identitiesOf(carol!.id)).toEqual([]);

    // Asking again makes a new account awaiting approval and a new live request, which approving lets in.
    expect(locationOf(await roundTrip('carol')).searchParams.get('sso_notice')).toBe('awaiting_approval');
    const [again] = await t.handle.db.select().from(users).where(eq(users.email, 'carol@example.com'));
    expect(again!.id).not.toBe(carol!.id);
    const [live] = await t.handle.db.select().from(accessRequests).where(eq(accessRequests.userId, again!.id));
    expect(live).toMatchObject({ status: 'pending', deletedAt: null });
    const approved = await t.app.inject({ method: 'POST', url: '/api/v1/admin/access-requests/approve', headers: asBrowser(adminCookie), payload: { ids: [live!.id] } });
    expect(approved.json().results).toEqual([{ id: live!.id, outcome: 'existing_account_approved' }]);
    expect(sessionOf(await roundTrip('carol'))).toBeDefined();
  });

  it('turns a join request verified by the provider into an account awaiting approval, within the allowed domains', async () => {
    const settings = (registration: Record<string, boolean>, allowedDomains?: string[]) =>
      t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { registration, allowedDomains } });
    const closed = await roundTrip('carol', { intent: 'verify' });
    expect(locationOf(closed).pathname).toBe('/signup');
    expect(locationOf(closed).searchParams.get('sso_error')).toBe('sso_account_not_found');

    await settings({ accessRequestsEnabled: true, ssoVerifiedRequestsRequired: true }, ['other.example']);
    const offList = await roundTrip('carol', { intent: 'verify' });
    expect(locationOf(offList).searchParams.get('sso_error')).toBe('email_domain_not_allowed');
    expect(await t.handle.db.select().from(users).where(eq(users.email, 'carol@example.com'))).toEqual([]);

    await settings({}, []);
    const requested = await roundTrip('carol', { intent: 'verify' });
    expect(locationOf(requested).pathname).toBe('/signup');
    expect(locationOf(requested).searchParams.get('sso_notice')).toBe('awaiting_approval');
    const [carol] = await t.handle.db.select().from(users).where(eq(users.email, 'carol@example.com'));
    expect(carol).toMatchObject({ status: 'pending_approval' });
    const [request] = await t.handle.db.select().from(accessRequests).where(eq(accessRequests.userId, carol!.id));
    expect(request).toMatchObject({ source: 'sso', status: 'pending' });
  });

  it('gives an invited person the invitation’s roles at their first SSO sign-in', async () => {
    const viewer = await builtinRoleId(t.handle.db, 'viewer');
    const invited = await t.handle.db.transaction((tx) =>
      inviteUser(tx, systemContext(), { config: t.config }, {
        name: 'Alice Invited',
        email: 'alice@example.com',
        roleIds: [viewer],
        groupIds: [],
        sendEmail: false,
        actor: null,
      }),
    );
    const signedIn = await roundTrip('alice');
    expect(String(signedIn.headers.location)).toBe('/');
    const session = sessionOf(signedIn)!;
    const me = (await t.app.inject({ url: '/api/v1/me', headers: { cookie: `${session.name}=${session.value}` } })).json().user;
    expect(me.id).toBe(invited.userId);
    expect(me.roles.map((r: { id: string }) => r.id)).toEqual([viewer]);
    expect(await identitiesOf(invited.userId)).toHaveLength(1);
    const claimed = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'invitation.claimed_by_sso'));
    expect(claimed).toHaveLength(1);
  });
});
