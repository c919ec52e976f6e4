import { describe, expect } from 'vitest';
import { expectRefusedInBrowser } from './form-checks.js';
import { browserFlow, screenshot, signInAsAdmin, tableRow } from './harness.js';

describe('API tokens: the administrator creates a token, sees it once, automation uses it, and revoking it refuses it', () => {
  const flow = browserFlow('api-tokens');
  const { step } = flow;
  let token = '';

  const asAutomation = () => fetch(`${flow.foyer.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  step('the administrator signs in and opens API tokens', async () => {
    const { page } = flow.session;
    await signInAsAdmin(page, flow.foyer);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/api-tokens');
  });

  step('creating "nightly sync" shows the token once, with a copy button', async () => {
    const { page } = flow.session;
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API token' });
    await dialog.getByLabel('Name').fill('   ');
    await expectRefusedInBrowser(dialog, 'Create token', 'Give the token a name that says what uses it.');
    await dialog.getByLabel('Name').fill('nightly sync');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('dialog', { name: 'API token created' });
    token = await shown.getByRole('textbox', { name: 'API token' }).inputValue();
    expect(token).toMatch(/^foyer_/);
    await shown.getByRole('button', { name: 'Copy token (API token)' }).waitFor();
    await screenshot(page, 'api-tokens-01-created-1280');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token.split('.')[1]);
  });

  step('automation calls the API with it, and the list shows when it was last used', async () => {
    const { page } = flow.session;
    const me = await asAutomation();
    expect(me.status).toBe(200);
    expect((await me.json()).user.email).toBe(flow.foyer.admin.email);
    await page.reload();
    const row = await tableRow(page.getByRole('table', { name: 'API tokens' }), 'nightly sync');
    expect(row).toMatchObject({ Status: 'Active' });
    expect(row['Last used']).not.toBe('Never');
    expect(row['May do']).toMatch(/permissions of Ada Admin/);
    await screenshot(page, 'api-tokens-02-list-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'api-tokens-03-list-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('revoking asks first, then the token is refused', async () => {
    const { page } = flow.session;
    await page.getByRole('button', { name: 'Revoke nightly sync' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “nightly sync”?' });
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(async () => (await tableRow(page.getByRole('table', { name: 'API tokens' }), 'nightly sync')).Status).toBe('Revoked');
    expect((await asAutomation()).status).toBe(401);
    expect(flow.session.pageErrors).toEqual([]);
  });
});
