import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { flowSteps, launchBrowser, openSession, screenshot, signInAsAdmin, startFoyer, type BrowserSession, type Foyer } from './harness.js';

describe('audit log: the administrator reads who did what as sentences, filters by action and exports the filtered rows', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let session: BrowserSession;
  const step = flowSteps('audit', () => ({ page: session?.page, foyer }));
  const grace = { name: 'Grace Hopper', email: 'grace@example.com', username: 'grace' };

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await launchBrowser();
    session = await openSession(browser, foyer);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  const post = (path: string, data?: unknown) => session.context.request.post(path, { data, headers: { origin: foyer!.url } });

  step('the administrator signs in, creates Grace and disables her', async () => {
    const { page } = session;
    await signInAsAdmin(page, foyer!);
    const created = await post('/api/v1/admin/users', grace);
    expect(created.status(), await created.text()).toBe(201);
    const disabled = await post(`/api/v1/admin/users/${(await created.json()).user.id}/disable`);
    expect(disabled.status(), await disabled.text()).toBe(200);
  });

  step('the audit log tells it in sentences with human times', async () => {
    const { page } = session;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/audit');
    const log = page.getByTestId('audit-log');
    await log.getByText(`${foyer!.admin.name} disabled Grace Hopper`).waitFor();
    await log.getByText(`${foyer!.admin.name} created Grace Hopper`).waitFor();
    const time = log.locator('[data-action="user.disabled"] time');
    expect(await time.innerText()).toMatch(/now|second|minute/);
    expect(await time.getAttribute('title')).toMatch(/\d/);
    await screenshot(page, 'audit-01-log-1280');
  });

  step('filtering by action leaves only those events', async () => {
    const { page } = session;
    await page.locator('input').and(page.getByLabel('Action', { exact: true })).fill('user.disabled');
    await page.getByRole('option', { name: /\(user\.disabled\)/ }).click();
    const log = page.getByTestId('audit-log');
    await expect.poll(() => log.getByTestId('audit-sentence').count()).toBe(1);
    expect(await log.getByTestId('audit-sentence').getAttribute('data-action')).toBe('user.disabled');
  });

  step('Export CSV downloads exactly the filtered rows', async () => {
    const { page } = session;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^foyer-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,occurredAt,action,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',user.disabled,');
    expect(lines[1]).toContain(',Grace Hopper,');
  });

  step('the page works on a phone', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('audit-log').getByText('disabled Grace Hopper').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'audit-02-log-390');
    expect(session.pageErrors).toEqual([]);
  });
});
