import { and, desc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailOutbox } from '../mail/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const latestCode = async (to: string) => {
  const [mail] = await t.handle.db
    .select()
    .from(mailOutbox)
    .where(and(eq(mailOutbox.recipient, to), eq(mailOutbox.template, 'email_verification_code')))
    .orderBy(desc(mailOutbox.createdAt))
    .limit(1);
  return mail!.secret!;
};

describe('email verification', () => {
  it('confirms the address with the latest emailed code, once', async () => {
    const person = await seedUser(t.handle, { emailVerified: false });
    const cookie = await signIn(t.app, person.email);
    const send = () => t.app.inject({ method: 'POST', url: '/api/v1/me/email/verification', headers: asBrowser(cookie) });
    const verify = (code: string) => t.app.inject({ method: 'POST', url: '/api/v1/me/email/verify', headers: asBrowser(cookie), payload: { code } });

    expect((await send()).statusCode).toBe(202);
    const first = await latestCode(person.email);
    expect(first).toMatch(/^\d{6}$/);
    expect((await send()).statusCode).toBe(202);
    const second = await latestCode(person.email);

    if (first !== second) {
      const stale = await verify(first);
      expect(stale.statusCode).toBe(400);
      expect(stale.json().error).toMatchObject({ code: 'verification_code_invalid', details: { fields: { code: expect.any(String) } } });
    }
    const short = await verify('12345');
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({ code: 'validation_failed', details: { fields: { code: 'Enter the 6 digits from the email.' } } });
    expect((await verify(second)).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).json().user.emailVerified).toBe(true);
    expect((await verify(second)).json().error.code).toBe('email_already_verified');
    expect((await send()).json().error.code).toBe('email_already_verified');
  });

  it('does not let another account use a code, and stops guessing after ten tries an hour', async () => {
    const ann = await seedUser(t.handle, { emailVerified: false });
    const bob = await seedUser(t.handle, { emailVerified: false });
    const annCookie = await signIn(t.app, ann.email);
    const bobCookie = await signIn(t.app, bob.email);
    await t.app.inject({ method: 'POST', url: '/api/v1/me/email/verification', headers: asBrowser(annCookie) });
    const annCode = await latestCode(ann.email);
    const verify = (cookie: string, code: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/me/email/verify', headers: asBrowser(cookie), payload: { code } });
    expect((await verify(bobCookie, annCode)).statusCode).toBe(400);

    const wrong = annCode === '000000' ? '000001' : '000000';
    for (let i = 0; i < 10; i += 1) expect((await verify(annCookie, wrong)).statusCode).toBe(400);
    const throttled = await verify(annCookie, annCode);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBeDefined();
  });
});
