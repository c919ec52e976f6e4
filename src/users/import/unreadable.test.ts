import { request as httpRequest, Agent, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asBrowser, createTestApp, seedUser, signIn, TEST_ORIGIN, type TestApp } from '../../../test/support.js';
import { users } from '../../accounts/index.js';

let t: TestApp;
let adminCookie: string;

beforeEach(async () => {
  t = await createTestApp();
  const admin = await seedUser(t.handle, { roles: ['admin'] });
  adminCookie = await signIn(t.app, admin.email);
});
afterEach(() => t.close());

const HEADER = 'name,email,username,roles,groups';

describe('importing a file with unreadable parts', () => {
  it('fails only the rows holding a NUL, in any column and any batch, and reports every row', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `Person ${i},person${i}@example.com,person${i},Member,`);
    rows[3] = 'Nul\u0000Name,nul1@example.com,nul1,,';
    rows[1200] = 'Nul Role,nul2@example.com,nul2,Mem\u0000ber,';
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users/import',
      headers: { ...asBrowser(adminCookie), 'content-type': 'text/csv' },
      payload: [HEADER, ...rows].join('\n'),
    });
    expect(res.statusCode).toBe(200);
    const { summary, results } = res.json();
    expect(summary).toEqual({ created: 1498, skipped: 0, failed: 2, total: 1500 });
    expect(results[3]).toMatchObject({ row: 5, outcome: 'failed', code: 'invalid_row', reason: expect.stringContaining('name') });
    expect(results[1200]).toMatchObject({ row: 1202, outcome: 'failed', code: 'invalid_row', reason: expect.stringContaining('roles') });
    const [{ n }] = (await t.handle.db.select({ n: sql<number>`count(*)` }).from(users).where(sql`${users.email} like 'person%'`)) as [{ n: number }];
    expect(Number(n)).toBe(1498);
  });

  it('keeps a keep-alive connection usable after refusing a file mid-way, reading and dropping the rest', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    // One connection for both requests: the second can only be sent once the first body is off the wire.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ res: IncomingMessage; body: string; reused: boolean }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: { ...asBrowser(adminCookie), origin: TEST_ORIGIN, ...(body ? { 'content-type': 'text/csv' } : {}) } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ res, body: text, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      // A broken quote on row 3, then about 2 MiB the parser never reads.
      const filler = Array.from({ length: 40_000 }, (_, i) => `Filler ${i},filler${i}@example.com,filler${i},,`);
      const upload = await send('POST', '/api/v1/admin/users/import', [HEADER, 'A,a@example.com,a1,,', 'B,"b@example.com"x,b1,,', ...filler].join('\n'));
      expect(upload.res.statusCode).toBe(200);
      expect(JSON.parse(upload.body).error.code).toBe('csv_malformed');
      const next = await send('GET', '/api/v1/me');
      expect(next.res.statusCode).toBe(200);
      expect(next.reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});
