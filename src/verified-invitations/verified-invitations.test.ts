import { asc, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { auditEvents } from '../audit/schema.js';
import { builtinRoleId, groups, roles, users } from '../accounts/index.js';
import { asBrowser, createTestApp, seedUser, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import { verifiedInvitations } from './schema.js';
import type { GuestInvitation, HostInvitation } from './views.js';

let t: TestApp;
let admin: { id: string; email: string };
let adminCookie: string;
beforeEach(async () => {
  t = await createTestApp();
  admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(async () => {
  vi.useRealTimers();
  await t.close();
});

const hostUrl = (id: string, step = '') => `/api/v1/admin/verified-invitations/${id}${step}`;
const guestUrl = (id: string, step = '') => `/api/v1/verified-invitations/${id}${step}`;

async function createInvitation(cookie = adminCookie, body: Record<string, unknown> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/verified-invitations', headers: asBrowser(cookie), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { invitation: HostInvitation; token: string; url: string };
}

const guestCookieFrom = (res: LightMyRequestResponse) => {
  const cookie = res.cookies.find((c) => c.name.endsWith('foyer_invitation_guest'));
  if (!cookie) throw new Error(`no guest cookie: ${res.statusCode} ${res.body}`);
  return `${cookie.name}=${cookie.value}`;
};

const join = (token: string, cookie?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/verified-invitations/join',
    headers: cookie ? asBrowser(cookie) : { origin: TEST_ORIGIN },
    payload: { token },
  });

async function joinedGuest(token: string) {
  const res = await join(token);
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: guestCookieFrom(res), invitation: res.json().invitation as GuestInvitation };
}

const greet = (id: string, cookie = adminCookie) => t.app.inject({ method: 'POST', url: hostUrl(id, '/greet'), headers: asBrowser(cookie) });
const guestChooses = (id: string, cookie: string, code: string) =>
  t.app.inject({ method: 'POST', url: guestUrl(id, '/choose'), headers: asBrowser(cookie), payload: { code } });
const hostChooses = (id: string, code: string, cookie = adminCookie) =>
  t.app.inject({ method: 'POST', url: hostUrl(id, '/choose'), headers: asBrowser(cookie), payload: { code } });
const guestState = async (id: string, cookie: string) =>
  (await t.app.inject({ url: guestUrl(id), headers: { cookie } })).json().invitation as GuestInvitation;
const hostState = async (id: string, cookie = adminCookie) =>
  (await t.app.inject({ url: hostUrl(id), headers: { cookie } })).json().invitation as HostInvitation;

const wrongOf = (choices: string[] | null, right: string | null) => choices!.find((c) => c !== right)!;

async function actionsOf(id: string) {
  const rows = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, id)).orderBy(asc(auditEvents.id));
  return rows.map((r) => r.action);
}

/** Greets and exchanges both codes correctly: the invitation is then at the details step. */
async function throughCodes(id: string, guestCookie: string) {
  expect((await greet(id)).statusCode).toBe(200);
  const host = await hostState(id);
  const guest = await guestState(id, guestCookie);
  expect((await guestChooses(id, guestCookie, host.code!)).statusCode).toBe(200);
  const chosen = await hostChooses(id, guest.code!);
  expect(chosen.statusCode, chosen.body).toBe(200);
  expect(chosen.json().invitation.state).toBe('details');
}

const person = { name: 'Grace Guest', email: 'grace@example.com', username: 'grace' };

/** Reads Server-Sent Events from a real socket: `next` waits for the first `state` event that satisfies `until`. */
async function openStream(url: string, cookie: string) {
  const response = await fetch(url, { headers: { cookie, accept: 'text/event-stream' } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: unknown[] = [];
  let ended = false;
  const readMore = async () => {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (block.startsWith('event: state') && data) events.push(JSON.parse(data.slice(6)));
    }
  };
  return {
    events,
    get ended() {
      return ended;
    },
    async next<T>(until: (view: T) => boolean): Promise<T> {
      for (;;) {
        const found = (events as T[]).find(until);
        if (found) return found;
        if (ended) throw new Error(`stream ended before the expected event: ${JSON.stringify(events)}`);
        await readMore();
      }
    },
    async drain() {
      while (!ended) await readMore();
    },
    close: () => reader.cancel(),
  };
}

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

    adminCookie = await signIn(t.app, admin.email);
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
    adminCookie = await signIn(t.app, admin.email);
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
