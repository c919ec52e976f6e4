import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { browserFlow, screenshot, signInAsAdmin } from './harness.js';

describe('audit log: the administrator reads who did what as sentences, filters by action and exports the filtered rows', () => {
  const flow = browserFlow('audit');
  const { step } = flow;
  const grace = { name: 'Grace Hopper', email: 'grace@example.com', username: 'grace' };

  const post = (path: string, data?: unknown) => flow.session.context.request.post(path, { data, headers: { origin: flow.foyer.url } });

  step('the administrator signs in, creates Grace and disables her', async () => {
    const { page } = flow.session;
    await signInAsAdmin(page, flow.foyer);
    const created = await post('/api/v1/admin/users', grace);
    expect(created.status(), await created.text()).toBe(201);
    const disabled = await post(`/api/v1/admin/users/${(await created.json()).user.id}/disable`);
    expect(disabled.status(), await disabled.text()).toBe(200);
  });

  step('the audit log tells it in sentences with human times', async () => {
    const { page } = flow.session;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/audit');
    const log = page.getByTestId('audit-log');
    await log.getByText(`${flow.foyer.admin.name} disabled Grace Hopper`).waitFor();
    await log.getByText(`${flow.foyer.admin.name} created Grace Hopper`).waitFor();
    const time = log.locator('[data-action="user.disabled"] time');
    expect(await time.innerText()).toMatch(/now|second|minute/);
    expect(await time.getAttribute('title')).toMatch(/\d/);
    await screenshot(page, 'audit-01-log-1280');
  });

  step('filtering by action leaves only those events', async () => {
    const { page } = flow.session;
    await page.locator('input').and(page.getByLabel('Action', { exact: true })).fill('user.disabled');
    await page.getByRole('option', { name: /\(user\.disabled\)/ }).click();
    const log = page.getByTestId('audit-log');
    await expect.poll(() => log.getByTestId('audit-sentence').count()).toBe(1);
    expect(await log.getByTestId('audit-sentence').getAttribute('data-action')).toBe('user.disabled');
  });

  step('Export CSV downloads exactly the filtered rows', async () => {
    const { page } = flow.session;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^foyer-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,occurredAt,action,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',user.disabled,');
    expect(lines[1]).toContain(',Grace Hopper,');
  });

  step('the page works on a phone', async () => {
    const { page } = flow.session;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('audit-log').getByText('disabled Grace Hopper').waitFor();
    // The phone layout settles a moment after the resize, later on a busy machine.
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'audit-02-log-390');
    expect(flow.session.pageErrors).toEqual([]);
  });
});
