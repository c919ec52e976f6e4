import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { expectRefusedInBrowser } from './form-checks.js';
import { flowSteps, browserForFile, openSession, screenshot, startFoyer, tableRow, type BrowserSession, type Foyer } from './harness.js';

const newcomer = { name: 'Grace Hopper', email: 'grace@example.com', username: 'grace', password: 'grace e2e password' };

describe('users: an administrator adds a person, changes their role, and disables them while they are signed in', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let grace: BrowserSession;
  let current: BrowserSession | undefined;
  const step = flowSteps('users', () => ({ page: current?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
    grace = await openSession(browser, foyer);
    current = admin;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  async function signIn(session: BrowserSession, identifier: string, password: string) {
    const { page } = session;
    await page.goto('/login');
    await page.getByLabel('Email or username').fill(identifier);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  }

  const usersTable = () => admin.page.getByTestId('users-table');

  step('the administrator creates a user with a password through the Add user dialog', async () => {
    const { page } = admin;
    await signIn(admin, foyer!.admin.email, foyer!.admin.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await usersTable().waitFor();
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await expectRefusedInBrowser(dialog, 'Create user', 'Enter a name');
    await dialog.getByLabel('Password', { exact: true }).fill('short');
    await expectRefusedInBrowser(dialog, 'Create user', 'Use at least 8 characters.');
    await dialog.getByRole('textbox', { name: /^Name/ }).fill(newcomer.name);
    await dialog.getByRole('textbox', { name: /^Email/ }).fill(newcomer.email);
    expect(await dialog.getByRole('textbox', { name: /^Username/ }).inputValue()).toBe(newcomer.username);
    await dialog.getByLabel('Password', { exact: true }).fill(newcomer.password);
    await screenshot(page, 'users-01-add-user');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = await tableRow(usersTable(), newcomer.email);
    expect(row).toMatchObject({ Name: newcomer.name, Email: newcomer.email, Role: '—', 'Sign-in': expect.stringContaining('Password'), 'Last login': '—', Status: 'Active' });
    await screenshot(page, 'users-02-created');
  });

  step('the administrator makes them a Viewer from the Role dropdown in the table', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: `Role of ${newcomer.name}` }).click();
    await page.getByRole('menuitem', { name: 'Viewer' }).click();
    await page.getByText(`${newcomer.name} now has the role Viewer.`).waitFor();
    expect(await tableRow(usersTable(), newcomer.email)).toMatchObject({ Role: 'Viewer' });
    // The change is stored, not only shown: a fresh load says the same.
    await page.reload();
    expect(await tableRow(usersTable(), newcomer.email)).toMatchObject({ Role: 'Viewer' });
    await screenshot(page, 'users-03-role-changed');
  });

  step('the new user signs in in another browser and sees the user list their role allows', async () => {
    current = grace;
    await signIn(grace, newcomer.username, newcomer.password);
    await grace.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await grace.page.getByTestId('users-table').waitFor();
    await screenshot(grace.page, 'users-04-grace-signed-in');
  });

  step('the administrator disables them, with a confirmation', async () => {
    current = admin;
    const { page } = admin;
    await page.getByRole('button', { name: `Actions for ${newcomer.name}` }).click();
    await page.getByRole('menuitem', { name: 'Disable' }).click();
    const confirm = page.getByRole('dialog', { name: `Disable ${newcomer.name}?` });
    await screenshot(page, 'users-05-confirm-disable');
    await confirm.getByRole('button', { name: 'Disable' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await tableRow(usersTable(), newcomer.email)).toMatchObject({ Status: 'Disabled' });
    await screenshot(page, 'users-06-disabled');
  });

  step('the disabled user’s next action lands on the sign-in page', async () => {
    current = grace;
    const { page, context } = grace;
    await page.reload();
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await context.request.get('/api/v1/me')).status()).toBe(401);
    await screenshot(page, 'users-07-signed-out');
    expect(admin.pageErrors.map(String)).toEqual([]);
    expect(grace.pageErrors.map(String)).toEqual([]);
  });
});
