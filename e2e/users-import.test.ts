import { describe, expect } from 'vitest';
import { browserFlow, screenshot, signInAsAdmin, tableRow } from './harness.js';

describe('users import: the administrator uploads a CSV and finds the new people in the Users table', () => {
  const flow = browserFlow('users-import');
  const { step } = flow;

  const csv = () =>
    [
      'name,email,username,roles,groups',
      'Ada Lovelace,lovelace@example.com,lovelace,Member,Engineering',
      'Grace Hopper,grace@example.com,grace,Viewer,',
      `Already Here,${flow.foyer.admin.email},someone-else,,`,
    ].join('\n');

  step('the administrator signs in, a group exists, and the Users page offers the import', async () => {
    const { page, context } = flow.session;
    await signInAsAdmin(page, flow.foyer);
    const group = await context.request.post('/api/v1/admin/groups', { data: { name: 'Engineering' }, headers: { origin: flow.foyer.url } });
    expect(group.status(), await group.text()).toBe(201);
    await page.goto('/admin/users');
    await page.getByRole('link', { name: 'Import CSV' }).click();
    await page.getByRole('heading', { name: 'Import users', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users/import');
    expect(await page.getByRole('link', { name: 'Download template' }).getAttribute('href')).toBe('/api/v1/admin/users/import-template');
    await screenshot(page, 'users-import-01-page');
  });

  step('uploading the file shows the summary and the one skipped row', async () => {
    const { page } = flow.session;
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByLabel('CSV file').click()]);
    await chooser.setFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv()) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    const summary = page.getByRole('list', { name: 'Import summary' });
    await summary.getByRole('listitem', { name: 'Created: 2' }).waitFor();
    await summary.getByRole('listitem', { name: 'Skipped: 1' }).waitFor();
    await summary.getByRole('listitem', { name: 'Failed: 0' }).waitFor();
    const problems = page.getByRole('table', { name: 'Rows not created' });
    const skipped = await tableRow(problems, flow.foyer.admin.email);
    expect(skipped).toMatchObject({ Row: '4', Reason: 'An account with this email already exists.' });
    expect(skipped.Outcome!.toLowerCase()).toBe('skipped');
    await screenshot(page, 'users-import-02-done');
  });

  step('the Users table shows the new people', async () => {
    const { page } = flow.session;
    await page.getByRole('link', { name: 'Go to users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const table = page.getByTestId('users-table');
    await table.locator('tbody tr').filter({ hasText: 'lovelace@example.com' }).waitFor();
    await table.locator('tbody tr').filter({ hasText: 'grace@example.com' }).waitFor();
    expect(await table.locator('tbody tr').filter({ hasText: 'someone-else' }).count()).toBe(0);
    await screenshot(page, 'users-import-03-users');
  });
  step('importing with invitations sends each new person one, and the message waits in the dev mailbox', async () => {
    const { page } = flow.session;
    await page.goto('/admin/users/import');
    await page.getByRole('heading', { name: 'Import users', level: 1 }).waitFor();
    const invited = ['name,email,username', 'Kai Lee,kai@example.com,kai', 'Ada Again,lovelace@example.com,ada-again'].join('\n');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByLabel('CSV file').click()]);
    await chooser.setFiles({ name: 'invited.csv', mimeType: 'text/csv', buffer: Buffer.from(invited) });
    await page.getByRole('checkbox', { name: 'Send each new person an invitation email' }).check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    const summary = page.getByRole('list', { name: 'Import summary' });
    await summary.getByRole('listitem', { name: 'Created: 1' }).waitFor();
    await summary.getByRole('listitem', { name: 'Skipped: 1' }).waitFor();
    // The harness has no SMTP server: the page must not claim the email was sent.
    await page.getByRole('status').filter({ hasText: '1 invitation email captured in the dev mailbox.' }).waitFor();
    await screenshot(page, 'users-import-04-invited');
    await page.getByRole('link', { name: 'Open the dev mailbox' }).click();
    await page.getByRole('heading', { name: 'Mail', level: 1 }).waitFor();
    const row = await tableRow(page.getByTestId('outbox-table'), 'kai@example.com');
    expect(row.Subject).toContain('invited you to join');
    expect(await page.getByTestId('outbox-table').locator('tbody tr').filter({ hasText: 'lovelace@example.com' }).count()).toBe(0);
  });
});
