import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { addVirtualAuthenticator, flowSteps, browserForFile, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

async function signInAsAdmin(page: Page, foyer: Foyer): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email or username').fill(foyer.admin.email);
  await page.getByLabel('Password', { exact: true }).fill(foyer.admin.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
}

async function fillDetails(page: Page) {
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('Olga Onboard');
  await page.getByLabel('Email').fill('olga@example.com');
  await page.getByLabel('Username').fill('olga');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Secure your account' }).waitFor();
}

describe('onboarding: stopping before the passkey strands nobody', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let visitor: BrowserSession | undefined;
  let link = '';
  let linkId = '';
  const step = flowSteps('onboarding', () => ({ page: visitor?.page ?? admin?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  step('the administrator makes a named single-use link', async () => {
    await signInAsAdmin(admin.page, foyer!);
    const created = await admin.page.request.post('/api/v1/admin/signup-links', {
      data: { name: 'For Olga', expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 1 },
      headers: { origin: foyer!.url },
    });
    expect(created.status()).toBe(201);
    ({ url: link, id: linkId } = await created.json());
  });

  step('a visitor fills in her details, then closes the page before creating the passkey', async () => {
    visitor = await openSession(browser!, foyer!);
    await visitor.page.goto(link);
    await visitor.page.getByText('You were invited to join Foyer').waitFor();
    await fillDetails(visitor.page);
    // The steps show where she is: details done, securing the account now.
    await visitor.page.locator('[aria-current="step"]').getByText('Secure', { exact: true }).waitFor();
    await screenshot(visitor.page, 'onboarding-01-secure-step');
    await visitor.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(visitor.page, 'onboarding-01-secure-step-390');
    // Anywhere else in the console her set-up session offers only the missing step.
    await visitor.page.goto('/account');
    await visitor.page.getByRole('heading', { name: 'Finish setting up your account' }).waitFor();
    await screenshot(visitor.page, 'onboarding-01-finish-setup-390');
    await visitor.context.close();
    const listed = await (await admin.page.request.get('/api/v1/admin/signup-links')).json();
    expect(listed.items.find((l: { id: string }) => l.id === linkId)).toMatchObject({ uses: 0, status: 'active', name: 'For Olga' });
  });

  step('she comes back to the same link with the same email, finishes with a passkey and lands on her home page', async () => {
    visitor = await openSession(browser!, foyer!);
    const { page } = visitor;
    await addVirtualAuthenticator(page);
    await page.goto(link);
    await fillDetails(page);
    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    expect(visitor.pageErrors).toEqual([]);
    await screenshot(page, 'onboarding-02-home');
  });

  step('the link is now spent: a second person is told so', async () => {
    const second = await openSession(browser!, foyer!);
    await second.page.goto(link);
    await second.page.getByRole('heading', { name: 'This sign-up link has been used up' }).waitFor();
    const listed = await (await admin.page.request.get('/api/v1/admin/signup-links')).json();
    expect(listed.items.find((l: { id: string }) => l.id === linkId)).toMatchObject({ uses: 1, status: 'used_up' });
  });
});
