import { and, eq } from 'drizzle-orm';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { secretBox } from '../platform/secrets.js';
import type { UserRow } from '../accounts/index.js';
import { createLogoutWorker } from './provider/logout-delivery.js';
import { oidcModels } from './schema.js';
import { registerApp, relyingParty, signInToApp, startAppWorld, startLogoutReceiver, TestBrowser, type ListeningApp } from './testing.js';

let t: ListeningApp;
let admin: TestBrowser;
let person: UserRow;
let browser: TestBrowser;
let groupId: string;
let receiver: Awaited<ReturnType<typeof startLogoutReceiver>>;

beforeEach(async () => {
  ({ t, admin, person, browser, groupId } = await startAppWorld({ group: 'Engineering' }));
  receiver = await startLogoutReceiver();
});
afterEach(async () => {
  await receiver.stop();
  await t.close();
});

/** A signed-in app session: the app, its relying-party configuration, and the person's tokens. */
async function signedInApp(overrides: Record<string, unknown> = {}) {
  const { app, clientSecret } = await registerApp(admin, {
    access: { everyone: false, groupIds: [groupId] },
    backchannelLogoutUri: receiver.uri,
    ...overrides,
  });
  const rp = await relyingParty(t.issuer, app.clientId, clientSecret);
  const tokens = await signInToApp(rp, browser);
  expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(true);
  return { app, rp, tokens };
}

/** Everything the API.md promise names: refresh invalid_grant, introspection inactive, userinfo 401. */
async function expectEnded(rp: oidc.Configuration, tokens: oidc.TokenEndpointResponse) {
  await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
  const userinfo = await fetch(`${t.issuer}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(userinfo.status).toBe(401);
}

/** Delivers the queued back-channel logout notices and checks each is a valid logout token for this person. */
async function expectLogoutTold(clientId: string, userId: string) {
  const worker = createLogoutWorker({ db: t.handle.db, issuer: t.issuer, box: secretBox(t.config), log: { warn: () => {}, error: () => {} } });
  expect(await worker.deliverDue()).toMatchObject({ sent: 1 });
  expect(receiver.received).toHaveLength(1);
  const { payload, protectedHeader } = await jwtVerify(receiver.received[0]!, createRemoteJWKSet(new URL(`${t.issuer}/oidc/jwks`)), {
    issuer: t.issuer,
    audience: clientId,
  });
  expect(protectedHeader.typ).toBe('logout+jwt');
  expect(payload).toMatchObject({ sub: userId, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
  expect(payload).not.toHaveProperty('nonce');
}

async function revokedCause(appId: string) {
  const [event] = await t.handle.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'app.tokens_revoked'), eq(auditEvents.targetId, appId)));
  return (event?.details as { cause?: string } | undefined)?.cause;
}

describe('ending a person’s access ends their app sign-ins at once', () => {
  it.each([
    ['disable', 'disabled'],
    ['revoke', 'revoked'],
  ])('%s', async (action, cause) => {
    const { app, rp, tokens } = await signedInApp();
    const response = await admin.api('POST', `/api/v1/admin/users/${person.id}/${action}`);
    expect(response.status).toBe(200);
    await expectEnded(rp, tokens);
    await expectLogoutTold(app.clientId, person.id);
    expect(await revokedCause(app.id)).toBe(cause);
  });

  it('delete', async () => {
    const { app, rp, tokens } = await signedInApp();
    expect((await admin.api('DELETE', `/api/v1/admin/users/${person.id}`)).status).toBe(204);
    await expectEnded(rp, tokens);
    await expectLogoutTold(app.clientId, person.id);
    expect(await revokedCause(app.id)).toBe('deleted');
  });

  it('removal from the last group that opened the app', async () => {
    const { app, rp, tokens } = await signedInApp();
    expect((await admin.api('DELETE', `/api/v1/admin/groups/${groupId}/members/${person.id}`)).status).toBe(204);
    await expectEnded(rp, tokens);
    await expectLogoutTold(app.clientId, person.id);
    expect(await revokedCause(app.id)).toBe('removed_from_group');
  });

  it.each([
    ['an administrator editing their groups', (userId: string) => admin.api('PATCH', `/api/v1/admin/users/${userId}`, { groupIds: [] }), 200],
    ['deleting the group that opened the app', () => admin.api('DELETE', `/api/v1/admin/groups/${groupId}`), 204],
  ])('%s', async (_label, change, status) => {
    const { app, rp, tokens } = await signedInApp();
    expect((await change(person.id)).status).toBe(status);
    await expectEnded(rp, tokens);
    expect(await revokedCause(app.id)).toBe('removed_from_group');
  });

  it('removal from one group keeps an app another group still opens', async () => {
    const second = ((await (await admin.api('POST', '/api/v1/admin/groups', { name: 'Staff' })).json()) as { id: string }).id;
    await admin.api('POST', `/api/v1/admin/groups/${second}/members`, { userIds: [person.id] });
    const { rp, tokens } = await signedInApp({ access: { everyone: false, groupIds: [groupId, second] } });
    expect((await admin.api('DELETE', `/api/v1/admin/groups/${groupId}/members/${person.id}`)).status).toBe(204);
    expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(true);
    expect((await oidc.refreshTokenGrant(rp, tokens.refresh_token!)).access_token).toBeTruthy();
  });

  it('an app access change that leaves the person out', async () => {
    const { app, rp, tokens } = await signedInApp();
    const other = ((await (await admin.api('POST', '/api/v1/admin/groups', { name: 'Finance' })).json()) as { id: string }).id;
    const response = await admin.api('PATCH', `/api/v1/admin/apps/${app.id}`, { access: { everyone: false, groupIds: [other] } });
    expect(response.status).toBe(200);
    await expectEnded(rp, tokens);
    await expectLogoutTold(app.clientId, person.id);
    expect(await revokedCause(app.id)).toBe('app_access_changed');
  });

  it('deleting the app', async () => {
    const { app, rp, tokens } = await signedInApp();
    expect((await admin.api('DELETE', `/api/v1/admin/apps/${app.id}`)).status).toBe(204);
    // The app no longer exists, so its own credentials fail first.
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ status: 401 });
    const userinfo = await fetch(`${t.issuer}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect(await t.handle.db.select().from(oidcModels).where(eq(oidcModels.clientId, app.clientId))).toEqual([]);
    await expectLogoutTold(app.clientId, person.id);
  });

  it('the person withdrawing consent', async () => {
    const { app, rp, tokens } = await signedInApp();
    const response = await browser.api('DELETE', `/api/v1/me/apps/${app.id}/authorization`);
    expect(response.status).toBe(204);
    await expectEnded(rp, tokens);
    await expectLogoutTold(app.clientId, person.id);
    expect(await revokedCause(app.id)).toBe('consent_withdrawn');
    expect((await browser.api('DELETE', `/api/v1/me/apps/${app.id}/authorization`)).status).toBe(404);
  });

  it('retries a back-channel logout the app did not take', async () => {
    receiver.status = 503;
    const { app } = await signedInApp();
    await admin.api('POST', `/api/v1/admin/users/${person.id}/disable`);
    let now = new Date();
    const worker = createLogoutWorker({ db: t.handle.db, issuer: t.issuer, box: secretBox(t.config), log: { warn: () => {}, error: () => {} }, now: () => now });
    expect(await worker.deliverDue()).toMatchObject({ sent: 0, retrying: 1 });
    expect(await worker.deliverDue()).toMatchObject({ sent: 0, retrying: 0 });
    receiver.status = 200;
    now = new Date(now.getTime() + 60_000);
    expect(await worker.deliverDue()).toMatchObject({ sent: 1 });
    expect(receiver.received).toHaveLength(2);
    expect(app.clientId).toBeTruthy();
  });
});
