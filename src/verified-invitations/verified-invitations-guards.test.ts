import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, seedUser, signIn } from '../../test/support.js';
import { builtinRoleId, roles, users } from '../accounts/index.js';
import {
  actionsOf,
  admin,
  adminCookie,
  createInvitation,
  greet,
  guestChooses,
  guestState,
  guestUrl,
  hostChooses,
  hostState,
  hostUrl,
  join,
  joinedGuest,
  person,
  signInAdminAgain,
  t,
  throughCodes,
  useVerifiedInvitationApp,
} from './testing.js';

useVerifiedInvitationApp();

describe('verified invitations refuse, expire and race safely', () => {
  it('refuse a second browser with the same link: a stolen link alone gets nowhere', async () => {
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);

    const thief = await join(token);
    expect(thief.statusCode).toBe(409);
    expect(thief.json().error.code).toBe('verified_invitation_already_opened');
    expect(thief.cookies.some((c) => c.name.endsWith('foyer_invitation_guest'))).toBe(false);
    // The first browser can reload and carry on.
    expect((await join(token, cookie)).statusCode).toBe(200);

    await greet(invitation.id);
    const host = await hostState(invitation.id);
    expect((await t.app.inject({ url: guestUrl(invitation.id) })).statusCode).toBe(404);
    const forged = `${cookie.split('=')[0]}=${invitation.id}.${'x'.repeat(43)}`;
    expect((await t.app.inject({ url: guestUrl(invitation.id), headers: { cookie: forged } })).statusCode).toBe(404);
    expect((await guestChooses(invitation.id, forged, host.code!)).statusCode).toBe(404);
    expect((await hostState(invitation.id)).state).toBe('greeted');
    const refused = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'verified_invitation.step_refused'));
    expect(refused.map((r) => r.details)).toContainEqual(expect.objectContaining({ step: 'join', code: 'verified_invitation_already_opened' }));
  });

  it('let exactly one of two concurrent greetings win', async () => {
    const other = await seedUser(t.handle, { roles: ['admin'] });
    const otherCookie = await signIn(t.app, other.email);
    const { invitation, token } = await createInvitation();
    await joinedGuest(token);
    const results = await Promise.all([greet(invitation.id), greet(invitation.id, otherCookie)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json().error.code).toBe('verified_invitation_wrong_step');
    const winner = results[0]!.statusCode === 200 ? admin.id : other.id;
    expect((await hostState(invitation.id)).host?.id).toBe(winner);
    expect((await actionsOf(invitation.id)).filter((a) => a === 'verified_invitation.greeted')).toHaveLength(1);

    // Only the greeting administrator sees the host code and may pick.
    const loserCookie = winner === admin.id ? otherCookie : adminCookie;
    const seenByLoser = await hostState(invitation.id, loserCookie);
    expect(seenByLoser.code).toBeNull();
    const winnerView = await hostState(invitation.id, winner === admin.id ? adminCookie : otherCookie);
    expect((await hostChooses(invitation.id, winnerView.choices![0]!, loserCookie)).json().error.code).toBe('not_the_host');
  });

  it('expire when the host does not greet in time, and when a code step takes too long', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const first = await createInvitation();
    await joinedGuest(first.token);
    vi.setSystemTime(Date.now() + 11 * 60_000);
    const late = await greet(first.invitation.id);
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('verified_invitation_expired');
    expect(await actionsOf(first.invitation.id)).toContain('verified_invitation.expired');
    const [expired] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'verified_invitation.expired'));
    expect(expired!.details).toEqual({ step: 'guest_waiting' });

    await signInAdminAgain();
    const second = await createInvitation();
    const { cookie } = await joinedGuest(second.token);
    await greet(second.invitation.id);
    const host = await hostState(second.invitation.id);
    vi.setSystemTime(Date.now() + 3 * 60_000);
    expect((await guestChooses(second.invitation.id, cookie, host.code!)).json().error.code).toBe('verified_invitation_expired');
    expect((await hostState(second.invitation.id)).state).toBe('expired');
  });

  it('stop working once the link itself expires unopened', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { token } = await createInvitation(adminCookie, { expiresInMinutes: 30 });
    vi.setSystemTime(Date.now() + 31 * 60_000);
    await signInAdminAgain();
    const list = await t.app.inject({ url: '/api/v1/admin/verified-invitations', headers: { cookie: adminCookie } });
    expect(list.json().items[0].state).toBe('expired');
    const res = await join(token);
    expect(res.statusCode).toBe(410);
    expect((await join('unknown-token')).statusCode).toBe(404);
  });

  it('can be cancelled by the host; the link then dies at once', async () => {
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);
    const cancelled = await t.app.inject({ method: 'DELETE', url: hostUrl(invitation.id), headers: asBrowser(adminCookie) });
    expect(cancelled.statusCode).toBe(204);
    expect(await guestState(invitation.id, cookie)).toMatchObject({ state: 'aborted', abortReason: 'cancelled' });
    expect((await join(token, cookie)).statusCode).toBe(410);
    expect((await greet(invitation.id)).statusCode).toBe(410);
    const list = await t.app.inject({ url: '/api/v1/admin/verified-invitations?limit=1', headers: { cookie: adminCookie } });
    expect(list.json()).toMatchObject({ items: [{ id: invitation.id, state: 'aborted' }], nextCursor: null });
  });

  it('keep the details step open when the email is taken, so the host can correct it', async () => {
    const existing = await seedUser(t.handle);
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);
    await throughCodes(invitation.id, cookie);
    const confirm = (email: string) =>
      t.app.inject({ method: 'POST', url: hostUrl(invitation.id, '/confirm'), headers: asBrowser(adminCookie), payload: { ...person, email } });
    const clash = await confirm(existing.email);
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('email_taken');
    expect((await hostState(invitation.id)).state).toBe('details');
    expect((await confirm(person.email)).statusCode).toBe(201);
    expect((await confirm('other@example.com')).statusCode).toBe(409);
  });

  it('appear in the OpenAPI document, the live streams as text/event-stream', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    for (const path of ['/api/v1/admin/verified-invitations', '/api/v1/admin/verified-invitations/{id}/confirm', '/api/v1/verified-invitations/join']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(Object.keys(doc.paths['/api/v1/verified-invitations/{id}/events'].get.responses['200'].content)).toEqual(['text/event-stream']);
  });

  it('refuse the session to an account disabled before the guest could sign in, and audit the attempt', async () => {
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);
    await throughCodes(invitation.id, cookie);
    const confirmed = await t.app.inject({ method: 'POST', url: hostUrl(invitation.id, '/confirm'), headers: asBrowser(adminCookie), payload: person });
    await t.handle.db.update(users).set({ status: 'disabled' }).where(eq(users.id, confirmed.json().user.id));
    const refused = await t.app.inject({ method: 'POST', url: guestUrl(invitation.id, '/sign-in'), headers: asBrowser(cookie) });
    expect(refused.statusCode).toBe(404);
    expect(refused.cookies.some((c) => c.name.endsWith('foyer_session') && c.value)).toBe(false);
    const [attempt] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'verified_invitation.step_refused'));
    expect(attempt!.details).toMatchObject({ step: 'sign_in', state: 'completed' });
  });

  it('need users.create, and never hand out permissions the host lacks', async () => {
    const member = await seedUser(t.handle, { roles: ['member'] });
    const memberCookie = await signIn(t.app, member.email);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/admin/verified-invitations', headers: asBrowser(memberCookie), payload: {} });
    expect(refused.statusCode).toBe(403);

    const adminRole = await builtinRoleId(t.handle.db, 'admin');
    const [creatorRole] = await t.handle.db
      .insert(roles)
      .values({ name: 'Creator', permissions: ['users.create', 'users.read'] })
      .returning();
    const creator = await seedUser(t.handle, { roleIds: [creatorRole!.id] });
    const creatorCookie = await signIn(t.app, creator.email);
    const escalation = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/verified-invitations',
      headers: asBrowser(creatorCookie),
      payload: { roleIds: [adminRole] },
    });
    expect(escalation.statusCode).toBe(403);

    const { invitation, token } = await createInvitation(creatorCookie);
    const { cookie } = await joinedGuest(token);
    expect((await greet(invitation.id, creatorCookie)).statusCode).toBe(200);
    const host = await hostState(invitation.id, creatorCookie);
    await guestChooses(invitation.id, cookie, host.code!);
    await hostChooses(invitation.id, (await guestState(invitation.id, cookie)).code!, creatorCookie);
    const confirm = await t.app.inject({
      method: 'POST',
      url: hostUrl(invitation.id, '/confirm'),
      headers: asBrowser(creatorCookie),
      payload: { ...person, roleIds: [adminRole] },
    });
    expect(confirm.statusCode).toBe(403);
    expect((await hostState(invitation.id)).state).toBe('details');
  });
});
