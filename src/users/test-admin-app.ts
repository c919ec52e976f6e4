import { eq } from 'drizzle-orm';
import { afterEach, beforeEach } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { builtinRoleId, users } from '../accounts/index.js';

/** The running test's app and its signed-in administrator, for the admin users pages' tests. */
export let t: TestApp;
export let admin: Awaited<ReturnType<typeof seedUser>>;
export let cookie: string;
export let adminRole: string;

/** A fresh app and administrator (Ada Admin) for each test of the calling file. */
export function useAdminApp(): void {
  beforeEach(async () => {
    t = await createTestApp();
    admin = await seedUser(t.handle, { roles: ['admin'], name: 'Ada Admin' });
    cookie = await signIn(t.app, admin.email);
    adminRole = await builtinRoleId(t.handle.db, 'admin');
  });
  afterEach(() => t.close());
}

export const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, as = cookie) =>
  t.app.inject({ method, url, headers: asBrowser(as), ...(payload ? { payload } : {}) });
export const eventsFor = (targetId: string) =>
  t.handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, targetId)).orderBy(auditEvents.id);
export const lastEvent = async (targetId: string) => (await eventsFor(targetId)).at(-1)!;
export const rowOf = async (id: string) => (await t.handle.db.select().from(users).where(eq(users.id, id)))[0]!;
