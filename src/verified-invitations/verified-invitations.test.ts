import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { auditEvents } from '../audit/schema.js';
import { builtinRoleId, groups } from '../accounts/index.js';
import { asBrowser, sessionCookieFrom } from '../../test/support.js';
import { verifiedInvitations } from './schema.js';
import {
  actionsOf,
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
  openStream,
  person,
  t,
  useVerifiedInvitationApp,
  wrongOf,
} from './testing.js';
import type { GuestInvitation, HostInvitation } from './views.js';

useVerifiedInvitationApp();

describe('verified invitations', () => {
  it('run the whole flow with live updates on both sides, create the account and sign the guest in once', async () => {
    const memberRole = await builtinRoleId(t.handle.db, 'member');
    const [team] = await t.handle.db.insert(groups).values({ name: 'Team', createdAt: new Date(), updatedAt: new Date() }).returning();
    const { invitation, token, url } = await createInvitation(adminCookie, { name: 'Grace', roleIds: [memberRole], groupIds: [team!.id] });
    expect(url).toBe(`http://localhost:3000/verify-invite?token=${token}`);
    expect(invitation).toMatchObject({ state: 'waiting_for_guest', proposal: { name: 'Grace', email: null, roleIds: [memberRole] } });
    const [stored] = await t.handle.db.select().from(verifiedInvitations).where(eq(verifiedInvitations.id, invitation.id));
    expect(stored!.tokenHash).not.toContain(token);

    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const hostStream = await openStream(`${address}${hostUrl(invitation.id, '/events')}`, adminCookie);
    await hostStream.next<HostInvitation>((v) => v.state === 'waiting_for_guest');

    const { cookie: guestCookie, invitation: joined } = await joinedGuest(token);
    expect(joined).toMatchObject({ state: 'guest_waiting', code: null, choices: null, invitedBy: expect.any(String) });
    await hostStream.next<HostInvitation>((v) => v.state === 'guest_waiting');
    const guestStream = await openStream(`${address}${guestUrl(invitation.id, '/events')}`, guestCookie);
    await guestStream.next<GuestInvitation>((v) => v.state === 'guest_waiting');

    expect((await greet(invitation.id)).statusCode).toBe(200);
    const guestGreeted = await guestStream.next<GuestInvitation>((v) => v.state === 'greeted');
    const hostGreeted = await hostStream.next<HostInvitation>((v) => v.state === 'greeted');
    expect(guestGreeted.code).toMatch(/^[A-Z2-9]{4}$/);
    expect(guestGreeted.choices).toHaveLength(4);
    expect(guestGreeted.choices).toContain(hostGreeted.code);
    expect(hostGreeted.choices).toContain(guestGreeted.code);

    expect((await guestChooses(invitation.id, guestCookie, hostGreeted.code!)).json().invitation.state).toBe('guest_confirmed');
    await hostStream.next<HostInvitation>((v) => v.guestConfirmed);
    expect((await hostChooses(invitation.id, guestGreeted.code!)).json().invitation.state).toBe('details');
    await guestStream.next<GuestInvitation>((v) => v.state === 'details');

    const confirmed = await t.app.inject({
      method: 'POST',
      url: hostUrl(invitation.id, '/confirm'),
      headers: asBrowser(adminCookie),
      payload: { ...person, roleIds: [memberRole], groupIds: [team!.id], profile: 'member' },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    const { user } = confirmed.json();
    expect(user).toMatchObject({ email: person.email, emailVerified: false, roles: [{ id: memberRole }], groups: [{ id: team!.id }] });
    const done = await guestStream.next<GuestInvitation>((v) => v.state === 'completed');
    expect(done.canSignIn).toBe(true);
    await guestStream.drain();
    await hostStream.drain();

    const signedIn = await t.app.inject({ method: 'POST', url: guestUrl(invitation.id, '/sign-in'), headers: asBrowser(guestCookie) });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().user.id).toBe(user.id);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookieFrom(signedIn) } });
    expect(me.json().user.email).toBe(person.email);
    const again = await t.app.inject({ method: 'POST', url: guestUrl(invitation.id, '/sign-in'), headers: asBrowser(guestCookie) });
    expect(again.statusCode).toBe(404);

    expect(await actionsOf(invitation.id)).toEqual([
      'verified_invitation.created',
      'verified_invitation.guest_joined',
      'verified_invitation.greeted',
      'verified_invitation.code_confirmed',
      'verified_invitation.code_confirmed',
      'verified_invitation.completed',
      'verified_invitation.guest_signed_in',
      'verified_invitation.step_refused',
    ]);
    const login = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, user.id));
    expect(login.find((e) => e.action === 'auth.login.succeeded')?.details).toEqual({ method: 'invitation' });
  });

  it('reach a stream on one instance when another instance makes the change', async () => {
    const other = await buildApp({ db: t.handle.db, config: t.config });
    try {
      const { invitation, token } = await createInvitation();
      await joinedGuest(token);
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const stream = await openStream(`${address}${hostUrl(invitation.id, '/events')}`, adminCookie);
      await stream.next<HostInvitation>((v) => v.state === 'guest_waiting');
      const greeted = await other.inject({ method: 'POST', url: hostUrl(invitation.id, '/greet'), headers: asBrowser(adminCookie) });
      expect(greeted.statusCode).toBe(200);
      expect((await stream.next<HostInvitation>((v) => v.state === 'greeted')).code).toBe(greeted.json().invitation.code);
      await other.inject({ method: 'DELETE', url: hostUrl(invitation.id), headers: asBrowser(adminCookie) });
      await stream.next<HostInvitation>((v) => v.state === 'aborted');
      await stream.drain();
    } finally {
      await other.close();
    }
  });

  it('end open streams when the server shuts down, instead of waiting for the browsers to leave', async () => {
    const { invitation } = await createInvitation();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await openStream(`${address}${hostUrl(invitation.id, '/events')}`, adminCookie);
    await stream.next<HostInvitation>((v) => v.state === 'waiting_for_guest');
    await t.app.close();
    await stream.drain();
    expect(stream.ended).toBe(true);
  });

  it('abort for good when the guest picks the wrong code', async () => {
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);
    await greet(invitation.id);
    const host = await hostState(invitation.id);
    const guest = await guestState(invitation.id, cookie);
    const wrong = await guestChooses(invitation.id, cookie, wrongOf(guest.choices, host.code));
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().error.code).toBe('verification_code_wrong');
    expect(await hostState(invitation.id)).toMatchObject({ state: 'aborted', abortReason: 'guest_chose_wrong_code' });

    expect((await guestChooses(invitation.id, cookie, host.code!)).json().error.code).toBe('verified_invitation_aborted');
    expect((await join(token, cookie)).statusCode).toBe(410);
    expect((await join(token)).statusCode).toBe(410);
    expect(await actionsOf(invitation.id)).toEqual(
      expect.arrayContaining(['verified_invitation.code_rejected', 'verified_invitation.aborted', 'verified_invitation.step_refused']),
    );
  });

  it('abort when the host picks the wrong code, even after the guest confirmed', async () => {
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);
    await greet(invitation.id);
    const host = await hostState(invitation.id);
    const guest = await guestState(invitation.id, cookie);
    await guestChooses(invitation.id, cookie, host.code!);
    const wrong = await hostChooses(invitation.id, wrongOf(host.choices, guest.code));
    expect(wrong.json().error.code).toBe('verification_code_wrong');
    expect((await hostState(invitation.id)).abortReason).toBe('host_chose_wrong_code');
    const [rejected] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'verified_invitation.code_rejected'));
    expect(rejected!.details).toMatchObject({ side: 'host' });
  });

  it('refuse a code that was not among the four shown, without aborting', async () => {
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);
    await greet(invitation.id);
    const res = await guestChooses(invitation.id, cookie, 'ZZZZZZ');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields.code).toBeDefined();
    expect((await hostState(invitation.id)).state).toBe('greeted');
  });

  it('reach the details step when both sides pick at the same moment', async () => {
    const { invitation, token } = await createInvitation();
    const { cookie } = await joinedGuest(token);
    await greet(invitation.id);
    const host = await hostState(invitation.id);
    const guest = await guestState(invitation.id, cookie);
    const results = await Promise.all([guestChooses(invitation.id, cookie, host.code!), hostChooses(invitation.id, guest.code!)]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    expect((await hostState(invitation.id)).state).toBe('details');
  });
});
