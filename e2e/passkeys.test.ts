import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { addVirtualAuthenticator, flowSteps, browserForFile, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

describe('passkeys: register one from Security, sign out, and sign back in with it and no password', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let session: BrowserSession;
  const step = flowSteps('passkeys', () => ({ page: session?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    session = await openSession(browser, foyer);
    await addVirtualAuthenticator(session.page);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  const passkeysCard = () => session.page.getByRole('region', { name: 'Passkeys' });

  step('the administrator signs in with their password', async () => {
    const { page } = session;
    await page.goto('/login');
    await page.getByRole('button', { name: 'Continue with a passkey' }).waitFor();
    await screenshot(page, 'passkeys-01-sign-in-page');
    await page.getByLabel('Email or username').fill(foyer!.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(foyer!.admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await passkeysCard().getByText('You have no passkeys yet.').waitFor();
  });

  step('they add a passkey named "Work laptop" from My account → Security', async () => {
    const { page } = session;
    await passkeysCard().getByRole('button', { name: 'Add a passkey' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a passkey' });
    await dialog.getByLabel('Passkey name').fill('Work laptop');
    await dialog.getByRole('button', { name: 'Create passkey' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const table = passkeysCard().getByRole('table', { name: 'Your passkeys' });
    await table.getByText('Work laptop').waitFor();
    await screenshot(page, 'passkeys-02-registered');
  });

  step('their sessions list shows this browser', async () => {
    const sessions = session.page.getByRole('table', { name: 'Your sessions' });
    await sessions.getByText('This device').waitFor();
    expect(await sessions.locator('tbody tr').count()).toBe(1);
    expect(await sessions.locator('tbody tr').first().innerText()).toContain('Headless Chrome on Linux');
  });

  step('they sign out and sign back in with the passkey button, typing nothing', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await page.context().cookies()).filter((c) => c.name.endsWith('foyer_session'))).toEqual([]);
    await page.getByRole('button', { name: 'Continue with a passkey' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    const table = passkeysCard().getByRole('table', { name: 'Your passkeys' });
    const row = table.locator('tbody tr').filter({ hasText: 'Work laptop' });
    await row.waitFor();
    // The passkey now has a last-used time instead of a dash.
    expect(await row.locator('td').nth(2).innerText()).not.toBe('—');
    await screenshot(page, 'passkeys-03-signed-in-with-passkey');
    expect(session.pageErrors).toEqual([]);
  });
});
