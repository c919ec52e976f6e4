import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents } from '../audit/schema.js';
import { asBrowser, createTestApp, seedUser, signIn, type TestApp } from '../../test/support.js';
import { isEmailDomainAllowed } from './allowed-domains.js';

let t: TestApp;
let cookie: string;
beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  cookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const patch = (payload: Record<string, unknown>, as = cookie) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/admin/settings', headers: asBrowser(as), payload });

describe('instance settings', () => {
  it('answer every section with its defaults', async () => {
    const res = await t.app.inject({ url: '/api/v1/admin/settings', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    // Other features add their own sections (each tests its defaults); these two belong to this module.
    expect(res.json()).toMatchObject({
      allowedDomains: [],
      mail: {
        host: null,
        port: 587,
        tlsMode: 'starttls',
        username: null,
        passwordSet: false,
        fromAddress: null,
        instanceName: 'Foyer',
        delivery: 'captured',
        environment: { smtpUrl: false, mailFrom: false },
      },
    });
  });

  it('keep allowed domains lower-cased, without @ or duplicates, and record the change', async () => {
    const res = await patch({ allowedDomains: [' @Example.COM ', 'example.com', 'b.example.org'] });
    expect(res.statusCode).toBe(200);
    expect(res.json().allowedDomains).toEqual(['b.example.org', 'example.com']);
    expect(await isEmailDomainAllowed(t.handle.db, 'Ann@EXAMPLE.com')).toBe(true);
    expect(await isEmailDomainAllowed(t.handle.db, 'ann@sub.example.com')).toBe(false);
    expect(await isEmailDomainAllowed(t.handle.db, 'ann@b.example.org')).toBe(true);
    const [event] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'settings.updated'));
    expect(event).toMatchObject({ targetId: 'allowed_domains', details: { domains: { from: [], to: ['b.example.org', 'example.com'] } } });

    // An empty list lifts the restriction again.
    expect((await patch({ allowedDomains: [] })).json().allowedDomains).toEqual([]);
    expect(await isEmailDomainAllowed(t.handle.db, 'ann@anywhere.test')).toBe(true);
  });

  it('name the invalid domain in the validation error', async () => {
    const res = await patch({ allowedDomains: ['example.com', 'not a domain', 'x@y.com'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fields: { 'allowedDomains.1': 'Enter a domain such as example.com.', 'allowedDomains.2': 'Enter a domain such as example.com.' } },
    });
    expect((await t.app.inject({ url: '/api/v1/admin/settings', headers: { cookie } })).json().allowedDomains).toEqual([]);
  });

  it('change only the sections sent, and within mail only the fields sent', async () => {
    await patch({ allowedDomains: ['example.com'] });
    const res = await patch({ mail: { instanceName: 'Acme People' } });
    expect(res.json()).toMatchObject({ allowedDomains: ['example.com'], mail: { instanceName: 'Acme People', host: null, port: 587 } });
    const cleared = await patch({ mail: { host: 'mail.example.com', fromAddress: 'Acme <people@example.com>' } });
    expect(cleared.json().mail).toMatchObject({ host: 'mail.example.com', fromAddress: 'Acme <people@example.com>', delivery: 'smtp' });
    // The console sends empty fields as "": they clear the setting.
    expect((await patch({ mail: { host: '', fromAddress: '' } })).json().mail).toMatchObject({ host: null, fromAddress: null, delivery: 'captured' });
    const invalid = await patch({ mail: { host: 'smtp://mail', port: 70000, tlsMode: 'ssl', fromAddress: 'nobody' } });
    expect(Object.keys(invalid.json().error.details.fields).sort()).toEqual(['mail.fromAddress', 'mail.host', 'mail.port', 'mail.tlsMode']);
  });

  it('are described in the OpenAPI document, with the mail endpoints and notification preferences', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const body = doc.paths['/api/v1/admin/settings'].patch.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['allowedDomains', 'mail']));
    expect(Object.keys(body.properties.mail.properties)).toEqual(['host', 'port', 'tlsMode', 'username', 'password', 'fromAddress', 'instanceName']);
    for (const path of [
      '/api/v1/admin/settings/mail/test',
      '/api/v1/admin/mail/status',
      '/api/v1/admin/mail/outbox',
      '/api/v1/admin/mail/outbox/{id}',
      '/api/v1/admin/mail/outbox/{id}/retry',
      '/api/v1/me/notifications',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('need settings.manage', async () => {
    const viewer = await seedUser(t.handle, { roles: ['viewer'] });
    const viewerCookie = await signIn(t.app, viewer.email);
    expect((await t.app.inject({ url: '/api/v1/admin/settings', headers: { cookie: viewerCookie } })).statusCode).toBe(403);
    expect((await patch({ allowedDomains: ['example.com'] }, viewerCookie)).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/admin/settings' })).statusCode).toBe(401);
  });
});
