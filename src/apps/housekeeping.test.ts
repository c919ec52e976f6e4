import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../platform/db.js';
import { secretBox } from '../platform/secrets.js';
import { createTestDatabase, testConfig } from '../../test/support.js';
import { pruneApps } from './background.js';
import { drizzleAdapter } from './provider/adapter.js';
import { ensureEngineKeys, loadEngineKeys, RETIRED_KEY_PUBLISHED_MS, rotateSigningKeys } from './provider/keys.js';
import { oidcModels } from './schema.js';
import { TEST_SECRET_KEY } from './testing.js';

let handle: DatabaseHandle;
beforeEach(async () => {
  handle = await createTestDatabase();
});
afterEach(() => handle.close());

describe('apps housekeeping', () => {
  it('drops expired engine rows and keys retired for longer than anything they signed lives', async () => {
    const start = new Date('2030-01-01T00:00:00Z');
    const Adapter = drizzleAdapter(handle.db, () => start);
    await new Adapter('AccessToken').upsert('short', { accountId: 'a' }, 60);
    await new Adapter('Grant').upsert('long', { accountId: 'a' }, 3600);
    expect(await new Adapter('AccessToken').find('short')).toBeDefined();

    const box = secretBox(testConfig({ FOYER_SECRET_KEY: TEST_SECRET_KEY }));
    await ensureEngineKeys(handle.db, box, start);
    await rotateSigningKeys(handle.db, box, start);
    expect((await loadEngineKeys(handle.db, box)).jwks.keys).toHaveLength(4);

    await pruneApps(handle.db, new Date(start.getTime() + 120_000));
    expect((await handle.db.select({ id: oidcModels.id }).from(oidcModels)).map((r) => r.id)).toEqual(['long']);
    expect((await loadEngineKeys(handle.db, box)).jwks.keys).toHaveLength(4);

    await pruneApps(handle.db, new Date(start.getTime() + RETIRED_KEY_PUBLISHED_MS + 1000));
    const { jwks, cookieKeys } = await loadEngineKeys(handle.db, box);
    expect(jwks.keys).toHaveLength(2);
    expect(cookieKeys).toHaveLength(1);
  });

  it('never answers an expired row, even before it is pruned', async () => {
    const start = new Date('2030-01-01T00:00:00Z');
    await new (drizzleAdapter(handle.db, () => start))('AuthorizationCode').upsert('code', { grantId: 'g' }, 60);
    const later = drizzleAdapter(handle.db, () => new Date(start.getTime() + 61_000));
    expect(await new later('AuthorizationCode').find('code')).toBeUndefined();
  });
});
