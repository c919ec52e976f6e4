import { and, desc, eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { mailOutbox } from '../../mail/schema.js';
import { asBrowser, sessionCookieFrom, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { totpCodeAt } from './totp.js';

export const PASSWORD = 'correct horse battery';

export const login = (t: TestApp, identifier: string, password = PASSWORD) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: TEST_ORIGIN }, payload: { identifier, password } });

/** The pending-sign-in cookie pair from a reply that set one. */
export function pendingCookieFrom(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name.endsWith('foyer_mfa_pending') && c.value);
  if (!cookie) throw new Error(`no pending cookie in response ${response.statusCode}: ${response.body}`);
  return `${cookie.name}=${cookie.value}`;
}

export const submitCode = (t: TestApp, pendingCookie: string, method: string, code: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/mfa', headers: asBrowser(pendingCookie), payload: { method, code } });

/** The code of the newest message (mail or captured SMS) of this template to `recipient`. */
export async function lastCodeSentTo(t: TestApp, recipient: string, template: string): Promise<string> {
  const [row] = await t.handle.db
    .select({ secret: mailOutbox.secret })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.recipient, recipient), eq(mailOutbox.template, template)))
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(1);
  if (!row?.secret) throw new Error(`no code sent to ${recipient}`);
  return row.secret;
}

export async function messagesTo(t: TestApp, recipient: string, template: string) {
  return t.handle.db.select().from(mailOutbox).where(and(eq(mailOutbox.recipient, recipient), eq(mailOutbox.template, template)));
}

/** Sets up an authenticator app for the cookie's owner; returns its secret and the recovery codes it came with. */
export async function enrolTotp(t: TestApp, cookie: string, now = new Date()) {
  const started = await t.app.inject({ method: 'POST', url: '/api/v1/me/mfa/totp', headers: asBrowser(cookie) });
  expect(started.statusCode).toBe(200);
  const { secret } = started.json() as { secret: string };
  const confirmed = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/mfa/totp/confirm',
    headers: asBrowser(cookie),
    payload: { code: totpCodeAt(secret, now) },
  });
  expect(confirmed.statusCode).toBe(200);
  return { secret, recoveryCodes: confirmed.json().recoveryCodes as string[] | null, reply: confirmed };
}

export async function patchMfaSettings(t: TestApp, adminCookie: string, mfa: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(adminCookie), payload: { mfa } });
  expect(res.statusCode).toBe(200);
  return res;
}

export { sessionCookieFrom };
