import { asc, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../test/support.js';
import type { GuestInvitation, HostInvitation } from './views.js';

/** The running test's app and its signed-in administrator, the host of every invitation unless a test says otherwise. */
export let t: TestApp;
export let admin: { id: string; email: string };
export let adminCookie: string;

/** A fresh app and administrator for each test of the calling file. */
export function useVerifiedInvitationApp(): void {
  beforeEach(async () => {
    t = await createTestApp();
    admin = await seedUser(t.handle, { roles: ['admin'] });
    adminCookie = await signIn(t.app, admin.email);
  });
  afterEach(async () => {
    vi.useRealTimers();
    await t.close();
  });
}

/** A new session for the administrator, once the clock has moved past the old one's lifetime. */
export async function signInAdminAgain(): Promise<void> {
  adminCookie = await signIn(t.app, admin.email);
}

export const hostUrl = (id: string, step = '') => `/api/v1/admin/verified-invitations/${id}${step}`;
export const guestUrl = (id: string, step = '') => `/api/v1/verified-invitations/${id}${step}`;

export async function createInvitation(cookie = adminCookie, body: Record<string, unknown> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/verified-invitations', headers: asBrowser(cookie), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { invitation: HostInvitation; token: string; url: string };
}

export const guestCookieFrom = (res: LightMyRequestResponse) => {
  const cookie = res.cookies.find((c) => c.name.endsWith('foyer_invitation_guest'));
  if (!cookie) throw new Error(`no guest cookie: ${res.statusCode} ${res.body}`);
  return `${cookie.name}=${cookie.value}`;
};

export const join = (token: string, cookie?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/verified-invitations/join',
    headers: cookie ? asBrowser(cookie) : { origin: TEST_ORIGIN },
    payload: { token },
  });

export async function joinedGuest(token: string) {
  const res = await join(token);
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: guestCookieFrom(res), invitation: res.json().invitation as GuestInvitation };
}

export const greet = (id: string, cookie = adminCookie) => t.app.inject({ method: 'POST', url: hostUrl(id, '/greet'), headers: asBrowser(cookie) });
export const guestChooses = (id: string, cookie: string, code: string) =>
  t.app.inject({ method: 'POST', url: guestUrl(id, '/choose'), headers: asBrowser(cookie), payload: { code } });
export const hostChooses = (id: string, code: string, cookie = adminCookie) =>
  t.app.inject({ method: 'POST', url: hostUrl(id, '/choose'), headers: asBrowser(cookie), payload: { code } });
export const guestState = async (id: string, cookie: string) =>
  (await t.app.inject({ url: guestUrl(id), headers: { cookie } })).json().invitation as GuestInvitation;
export const hostState = async (id: string, cookie = adminCookie) =>
  (await t.app.inject({ url: hostUrl(id), headers: { cookie } })).json().invitation as HostInvitation;

export const wrongOf = (choices: string[] | null, right: string | null) => choices!.find((c) => c !== right)!;

export async function actionsOf(id: string) {
  const rows = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, id)).orderBy(asc(auditEvents.id));
  return rows.map((r) => r.action);
}

/** Greets and exchanges both codes correctly: the invitation is then at the details step. */
export async function throughCodes(id: string, guestCookie: string) {
  expect((await greet(id)).statusCode).toBe(200);
  const host = await hostState(id);
  const guest = await guestState(id, guestCookie);
  expect((await guestChooses(id, guestCookie, host.code!)).statusCode).toBe(200);
  const chosen = await hostChooses(id, guest.code!);
  expect(chosen.statusCode, chosen.body).toBe(200);
  expect(chosen.json().invitation.state).toBe('details');
}

export const person = { name: 'Grace Guest', email: 'grace@example.com', username: 'grace' };

/** Reads Server-Sent Events from a real socket: `next` waits for the first `state` event that satisfies `until`. */
export async function openStream(url: string, cookie: string) {
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
