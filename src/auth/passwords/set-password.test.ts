import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminWithSetPasswordLink } from '../../cli/create-admin.js';
import { createTestApp, sessionCookieFrom, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { users } from '../../accounts/index.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const setPassword = (token: string, password = 'my new password') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', headers: { origin: TEST_ORIGIN }, payload: { token, password } });

describe('create-admin and its set-password link', () => {
  it('creates a pending administrator whose link sets the password once, validates the email and signs in', async () => {
    const link = await createAdminWithSetPasswordLink(t.handle.db, t.config, { email: 'ops@example.com', name: 'Ops', username: 'ops' });
    expect(link).toMatch(/^http:\/\/localhost:3000\/set-password\?token=[\w-]{43}$/);
    const token = new URL(link).searchParams.get('token')!;
    const [pending] = await t.handle.db.select().from(users).where(eq(users.email, 'ops@example.com'));
    expect(pending).toMatchObject({ passwordHash: null, emailVerifiedAt: null });

    const first = await setPassword(token);
    expect(first.statusCode).toBe(200);
    expect(first.json().user.permissions).toContain('users.create');
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: sessionCookieFrom(first) } })).statusCode).toBe(200);
    const [done] = await t.handle.db.select().from(users).where(eq(users.email, 'ops@example.com'));
    expect(done!.emailVerifiedAt).toBeInstanceOf(Date);

    const second = await setPassword(token, 'another password');
    expect(second.statusCode).toBe(410);
    expect(second.json().error.code).toBe('password_token_invalid');
    await signIn(t.app, 'ops', 'my new password');
  });

  it('works exactly once under concurrent use', async () => {
    const link = await createAdminWithSetPasswordLink(t.handle.db, t.config, { email: 'ops@example.com', name: 'Ops', username: 'ops' });
    const token = new URL(link).searchParams.get('token')!;
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => setPassword(token, `password number ${i}`)));
    expect(replies.filter((r) => r.statusCode === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.statusCode === 410)).toHaveLength(9);
  });

  it('refuses a password shorter than 8 characters with a field error', async () => {
    const res = await setPassword('x'.repeat(43), 'short');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields).toHaveProperty('password');
  });
});
