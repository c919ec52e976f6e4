import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemContext, recordAudit } from '../audit/record.js';
import { auditEvents } from '../audit/schema.js';
import { oneTimeTokens } from '../auth/one-time-tokens/schema.js';
import { issueOneTimeToken } from '../auth/one-time-tokens/service.js';
import { insertMail } from '../mail/outbox.js';
import { mailOutbox, type MailStatus } from '../mail/schema.js';
import { hashSecret } from './crypto.js';
import { pruneRetained } from './retention.js';
import { createTestApp, seedUser, testConfig, TEST_ORIGIN, type TestApp } from '../../test/support.js';

const DAY = 24 * 60 * 60_000;
const now = new Date('2026-06-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const mail = (status: MailStatus, createdAt: Date) =>
  insertMail(t.handle.db, { to: 'a@example.com', template: 'password_reset', rendered: { subject: 's', text: 't', html: 'h', secret: null }, status, now: createdAt });

describe('Retention', () => {
  it('has defaults an operator can change, and keeps the audit log forever unless told otherwise', () => {
    expect(testConfig().retention).toEqual({ tokensDays: 7, mailDays: 30, auditDays: null });
    expect(testConfig({ FOYER_RETENTION_AUDIT_DAYS: '365', FOYER_RETENTION_MAIL_DAYS: '7' }).retention).toEqual({ tokensDays: 7, mailDays: 7, auditDays: 365 });
    expect(() => testConfig({ FOYER_RETENTION_TOKENS_DAYS: '0' })).toThrow(/FOYER_RETENTION_TOKENS_DAYS/);
  });

  it('prunes spent and expired one-time tokens, including forgot-password decoys, and finished mail', async () => {
    const user = await seedUser(t.handle);
    // A decoy: what forgot-password issues for an unknown address (owned by nobody).
    const forgot = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', headers: { origin: TEST_ORIGIN }, payload: { email: 'ghost@example.com' } });
    expect(forgot.statusCode).toBe(202);
    await t.handle.db.update(oneTimeTokens).set({ createdAt: daysAgo(9), expiresAt: daysAgo(8) });
    await issueOneTimeToken(t.handle.db, { purpose: 'set_password', userId: user.id, ttlMs: DAY, now: daysAgo(1) });
    await issueOneTimeToken(t.handle.db, { purpose: 'login_link', userId: user.id, ttlMs: 30 * DAY, now: daysAgo(20) });
    const usedLongAgo = await issueOneTimeToken(t.handle.db, { purpose: 'password_reset', userId: user.id, ttlMs: 30 * DAY, now: daysAgo(20) });
    await t.handle.db.update(oneTimeTokens).set({ usedAt: daysAgo(19) }).where(eq(oneTimeTokens.tokenHash, hashSecret(usedLongAgo)));

    await mail('sent', daysAgo(31));
    await mail('failed', daysAgo(45));
    await mail('sent', daysAgo(29));
    await mail('queued', daysAgo(60));

    const pruned = await pruneRetained(t.handle.db, testConfig().retention, now);
    expect(pruned.mail).toBe(2);
    const left = await t.handle.db.select({ purpose: oneTimeTokens.purpose, userId: oneTimeTokens.userId }).from(oneTimeTokens);
    expect(left.map((r) => r.purpose).sort()).toEqual(['login_link', 'set_password']);
    expect((await t.handle.db.select().from(mailOutbox)).map((m) => m.status).sort()).toEqual(['queued', 'sent']);
    expect(await pruneRetained(t.handle.db, testConfig().retention, now)).toEqual({ tokens: 0, mail: 0, audit: 0 });
  });

  it('prunes audit events only when a retention is set, and nothing else may delete them', async () => {
    await recordAudit(t.handle.db, systemContext(daysAgo(400)), { action: 'test.old' });
    await recordAudit(t.handle.db, systemContext(daysAgo(10)), { action: 'test.recent' });
    const actions = async () => (await t.handle.db.select({ action: auditEvents.action }).from(auditEvents)).map((e) => e.action).filter((a) => a.startsWith('test.'));

    await pruneRetained(t.handle.db, testConfig().retention, now);
    expect(await actions()).toEqual(['test.old', 'test.recent']);
    await expect(t.handle.db.delete(auditEvents).where(eq(auditEvents.action, 'test.old'))).rejects.toThrow();

    const pruned = await pruneRetained(t.handle.db, { ...testConfig().retention, auditDays: 365 }, now);
    expect(pruned.audit).toBeGreaterThanOrEqual(1);
    expect(await actions()).toEqual(['test.recent']);
    await expect(t.handle.db.delete(auditEvents).where(eq(auditEvents.action, 'test.recent'))).rejects.toThrow();
  });
});
