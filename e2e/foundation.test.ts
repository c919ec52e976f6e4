import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { flowSteps, browserForFile, openSession, screenshot, startFoyer, tableRow, type BrowserSession, type Foyer } from './harness.js';

describe('foundation: the bootstrap administrator signs in, sees the users, signs out', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let session: BrowserSession;
  const step = flowSteps('foundation', () => ({ page: session?.page, foyer }));

  beforeAll(async () => {
    // One after the other, so that afterAll can clean up whichever started when the other fails.
    foyer = await startFoyer();
    browser = await browserForFile();
    session = await openSession(browser, foyer);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  const signInHeading = () => session.page.getByRole('heading', { name: 'Sign in' });

  step('opening / without a session leads to the sign-in page', async () => {
    const { page } = session;
    await page.goto('/');
    await page.waitForURL('**/login');
    await signInHeading().waitFor();
    await page.getByLabel('Email or username').waitFor();
    await screenshot(page, 'foundation-01-sign-in');
  });

  step('an empty form is refused on its fields with the server’s sentences, before anything is sent', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your email address or username.').waitFor();
    await page.getByText('Enter your password.').waitFor();
  });

  step('a wrong password shows the server’s message', async () => {
    const { page } = session;
    await page.getByLabel('Email or username').fill(foyer!.admin.email);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Sign-in failed' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('The email, username or password is not correct.');
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'foundation-02-wrong-password');
  });

  step('the bootstrap administrator signs in and sees their account', async () => {
    const { page, context } = session;
    const { admin } = foyer!;
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    const details = page.getByLabel('Account details');
    const text = await details.innerText();
    expect(text).toContain(admin.name);
    expect(text).toContain(admin.email);
    expect(text).toContain(admin.username);
    expect((await context.request.get('/api/v1/me')).status()).toBe(200);
    await screenshot(page, 'foundation-03-my-account');
  });

  step('the Users page lists the administrator as an active Admin', async () => {
    const { page } = session;
    const { admin } = foyer!;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    const row = await tableRow(page.getByTestId('users-table'), admin.email);
    expect(row).toMatchObject({ Name: admin.name, Email: admin.email, Role: 'Admin', Status: 'Active' });
    await screenshot(page, 'foundation-04-users');
  });

  step('the console runs under a CSP without inline styles: every style element carries the page nonce', async () => {
    const { page } = session;
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    const response = await page.goto('/admin/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const headers = response!.headers();
    const nonce = await page.locator('meta[name="csp-nonce"]').getAttribute('content');
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(headers['content-security-policy']).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['permissions-policy']).toContain('publickey-credentials-get=(self)');
    expect(headers['cache-control']).toBe('no-store');
    const styleNonces = await page.locator('style').evaluateAll((elements) => elements.map((e) => (e as HTMLStyleElement).nonce));
    expect(styleNonces.length).toBeGreaterThan(0);
    expect(styleNonces.every((n) => n === nonce)).toBe(true);
    expect(violations).toEqual([]);
    // A fresh nonce for every page load.
    await page.reload();
    expect(await page.locator('meta[name="csp-nonce"]').getAttribute('content')).not.toBe(nonce);
  });

  step('signing out returns to the sign-in page and ends the session', async () => {
    const { page, context, pageErrors } = session;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await signInHeading().waitFor();
    expect((await context.request.get('/api/v1/me')).status()).toBe(401);
    await screenshot(page, 'foundation-05-signed-out');
    expect(pageErrors.map(String)).toEqual([]);
  });
});
