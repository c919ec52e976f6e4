import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { totpCodeAt } from '../src/auth/mfa/totp.js';
import { expectRefusedInBrowser } from './form-checks.js';
import { flowSteps, browserForFile, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

const grace = { name: 'Grace Hopper', email: 'grace@example.com', username: 'grace', password: 'grace e2e password' };
const linus = { name: 'Linus Pauling', email: 'linus@example.com', username: 'linus', password: 'linus e2e password' };

describe('two-factor: a person turns on an authenticator app and signs in with it; required 2FA locks out, a recovery code lets in', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let person: BrowserSession;
  let current: BrowserSession | undefined;
  let secret = '';
  let linusId = '';
  let recoveryCode = '';
  const step = flowSteps('two-factor', () => ({ page: current?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
    person = await openSession(browser, foyer);
    current = admin;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  async function submitPassword(session: BrowserSession, identifier: string, password: string) {
    const { page } = session;
    await page.goto('/login');
    await page.getByLabel('Email or username').fill(identifier);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Signed in, they land on their home; the two-factor cards are on My account. */
  const myAccount = async ({ page }: BrowserSession) => {
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
  };

  async function createUser(who: typeof grace): Promise<string> {
    const res = await admin.page.request.post('/api/v1/admin/users', {
      headers: { origin: foyer!.url },
      data: { name: who.name, email: who.email, username: who.username, password: who.password },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { user: { id: string } }).user.id;
  }

  step('the administrator signs in and adds two people', async () => {
    await submitPassword(admin, foyer!.admin.email, foyer!.admin.password);
    await myAccount(admin);
    await createUser(grace);
    linusId = await createUser(linus);
  });

  step('Grace turns on an authenticator app from the Security section, verifying a code computed from the secret shown', async () => {
    current = person;
    const { page } = person;
    await submitPassword(person, grace.email, grace.password);
    await myAccount(person);
    const card = page.getByRole('region', { name: 'Two-factor authentication' });
    await card.getByRole('button', { name: 'Add a second factor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a second factor' });
    await dialog.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = (await dialog.getByLabel('Setup key').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'two-factor-01-enrol-totp');
    await dialog.getByLabel('Code from your app').fill('12');
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await dialog.getByText('Enter the 6-digit code.').waitFor();
    await dialog.getByLabel('Code from your app').fill(totpCodeAt(secret, new Date()));
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('dialog', { name: 'Your recovery codes' });
    await codes.getByRole('list', { name: 'Recovery codes' }).waitFor();
    expect(await codes.getByRole('listitem').count()).toBe(10);
    await screenshot(page, 'two-factor-02-recovery-codes');
    await codes.getByRole('button', { name: 'I have saved them' }).click();
    await card.getByRole('table', { name: 'Your second factors' }).getByText('Authenticator app').waitFor();
    await screenshot(page, 'two-factor-03-security-section');
  });

  step('Grace signs out and back in: after her password Foyer asks for the app code', async () => {
    const { page } = person;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await submitPassword(person, grace.email, grace.password);
    await page.waitForURL('**/login/mfa');
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await screenshot(page, 'two-factor-04-challenge');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Enter the code.').waitFor();
    // The next time step: the one used to turn the app on cannot be used again.
    await page.getByLabel('Code from your authenticator app').fill(totpCodeAt(secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await myAccount(person);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });

  step('the administrator requires 2FA for everyone, locking out people without it', async () => {
    current = admin;
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Authentication' }).click();
    const card = page.getByRole('region', { name: 'Two-factor authentication' });
    // The form refuses what the server would, with its sentence, before sending anything.
    const methods = ['Authenticator app', 'Email code', 'Text message'];
    for (const method of methods) await card.getByLabel(method, { exact: true }).uncheck();
    await expectRefusedInBrowser(card, 'Save', 'Allow at least one method.');
    for (const method of methods) await card.getByLabel(method, { exact: true }).check();
    await card.getByLabel('Require 2FA for everyone').check();
    await card.getByRole('radio', { name: 'Are locked out' }).waitFor();
    await screenshot(page, 'two-factor-05-settings');
    await card.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Two-factor settings are saved.').waitFor();
  });

  step('Linus, who has no second factor, is refused after his password', async () => {
    current = person;
    const { page } = person;
    await submitPassword(person, linus.email, linus.password);
    await page.waitForURL('**/login/mfa');
    await page.getByText('Ask an administrator for a one-time recovery code').waitFor();
    await page.getByLabel('Recovery code').fill('AAAA-BBBB-CCCC-DDDD');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not correct or has expired.').waitFor();
    await screenshot(page, 'two-factor-06-locked-out');
    expect(page.url()).toContain('/login/mfa');
  });

  step('the administrator issues Linus a one-time recovery code from his user page', async () => {
    current = admin;
    const { page } = admin;
    await page.goto(`/admin/users/${linusId}`);
    const section = page.getByRole('region', { name: 'Two-factor authentication' });
    await section.getByText('No second factor set up.').waitFor();
    await section.getByRole('button', { name: 'Issue recovery code' }).click();
    await page.getByRole('dialog', { name: /Issue a recovery code/ }).getByRole('button', { name: 'Issue code' }).click();
    const shown = page.getByRole('dialog', { name: 'One-time recovery code' });
    recoveryCode = (await shown.getByLabel('Recovery code').innerText()).trim();
    expect(recoveryCode).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await screenshot(page, 'two-factor-07-recovery-code-issued');
    await shown.getByRole('button', { name: 'Done' }).click();
  });

  step('Linus gets in with the code and must set up a second factor before anything else', async () => {
    current = person;
    const { page } = person;
    await page.getByLabel('Recovery code').fill(recoveryCode);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const linusSecret = (await page.getByLabel('Setup key').innerText()).trim();
    await screenshot(page, 'two-factor-08-enrol-at-sign-in');
    await page.getByLabel('Code from your app').fill(totpCodeAt(linusSecret, new Date()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await myAccount(person);
    await person.page.getByRole('table', { name: 'Your second factors' }).getByText('Authenticator app').waitFor();
    await screenshot(page, 'two-factor-09-enrolled');
    expect(person.pageErrors).toEqual([]);
    expect(admin.pageErrors).toEqual([]);
  });
});
