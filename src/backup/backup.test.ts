import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { auditEvents } from '../audit/schema.js';
import { ConfigError } from '../platform/config.js';
import { openEmbedded } from '../platform/db.js';
import { asBrowser, createTestApp, seedUser, signIn, testConfig, type TestApp } from '../../test/support.js';
import { restoreEmbedded } from './service.js';

let t: TestApp;
let dir: string;
beforeEach(async () => {
  t = await createTestApp();
  dir = mkdtempSync(join(tmpdir(), 'foyer-backup-'));
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const download = (cookie: string) => t.app.inject({ url: '/api/v1/admin/backup', headers: asBrowser(cookie) });

describe.skipIf(process.env.TEST_DATABASE_URL)('backup of the embedded database', () => {
  it('restores users, credentials, sessions, settings and the audit log, and people sign in again', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const member = await seedUser(t.handle, { password: 'a member password' });
    const adminCookie = await signIn(t.app, admin.email);
    const settings = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/settings',
      headers: asBrowser(adminCookie),
      payload: { registration: { accessRequestsEnabled: true } },
    });
    expect(settings.statusCode).toBe(200);

    const res = await download(adminCookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="foyer-backup-.*\.tar\.gz"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const [audited] = await t.handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'instance.backup_downloaded'));
    expect(audited).toMatchObject({ actorId: admin.id });

    const file = join(dir, 'foyer.tar.gz');
    writeFileSync(file, res.rawPayload);
    const dataDir = join(dir, 'restored');
    await restoreEmbedded(file, dataDir);
    const handle = await openEmbedded(dataDir);
    const restored = await buildApp({ db: handle.db, config: testConfig({ FOYER_DATA_DIR: dataDir }) });
    try {
      const memberCookie = await signIn(restored, member.email, 'a member password');
      expect((await restored.inject({ url: '/api/v1/me', headers: { cookie: memberCookie } })).json().user.email).toBe(member.email);
      // The administrator's session from before the backup is still valid.
      const read = await restored.inject({ url: '/api/v1/admin/settings', headers: asBrowser(adminCookie) });
      expect(read.statusCode).toBe(200);
      expect(read.json().registration.accessRequestsEnabled).toBe(true);
      const log = await handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'settings.updated'));
      expect(log).toHaveLength(1);
    } finally {
      await restored.close();
      await handle.close();
    }
  });

  it('is for holders of instance.backup only', async () => {
    const member = await seedUser(t.handle);
    const res = await download(await signIn(t.app, member.email));
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/admin/backup' })).statusCode).toBe(401);
  });

  it('restores only into an empty data directory', async () => {
    writeFileSync(join(dir, 'secret.key'), 'x');
    await expect(restoreEmbedded(join(dir, 'missing.tar.gz'), dir)).rejects.toThrow(ConfigError);
    await expect(restoreEmbedded(join(dir, 'missing.tar.gz'), dir)).rejects.toThrow(/is not empty/);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('backup on PostgreSQL (PostgreSQL)', () => {
  it('answers 409 with pg_dump advice', async () => {
    const admin = await seedUser(t.handle, { roles: ['admin'] });
    const res = await download(await signIn(t.app, admin.email));
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('backup_not_embedded');
    expect(res.json().error.message).toContain('pg_dump');
  });
});
