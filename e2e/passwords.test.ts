import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createTestSmtpServer, type TestSmtpServer } from '../src/mail/test-smtp-server.js';
import { flowSteps, browserForFile, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

const NEW_PASSWORD = 'a freshly reset password';
const CHANGED_PASSWORD = 'and then changed again';

describe('passwords: forgot password → the mailed link → a new password → signed in; then change it from Security', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let smtp: TestSmtpServer | undefined;
  let session: BrowserSession;
  let resetLink: string;
  const step = flowSteps('passwords', () => ({ page: session?.page, foyer }));

  beforeAll(async () => {
    smtp = await createTestSmtpServer();
    await smtp.start();
    foyer = await startFoyer({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, FOYER_MAIL_FROM: 'Foyer <foyer@example.com>' });
    browser = await browserForFile();
    session = await openSession(browser, foyer);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
    await smtp?.stop();
  });

  async function signIn(password: string) {
    const { page } = session;
    await page.goto('/login');
    await page.getByLabel('Email or username').fill(foyer!.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  step('"Forgot password?" on the sign-in page asks for the email and always says to check it', async () => {
    const { page } = session;
    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('Enter the email address of your account.').waitFor();
    await page.getByLabel('Email address').fill(foyer!.admin.email.toUpperCase());
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('Check your email').waitFor();
    await screenshot(page, 'passwords-01-link-sent');
  });

  step('the email arrives over SMTP with a reset link', async () => {
    const deadline = Date.now() + 15_000;
    while (smtp!.received.length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
    const [mail] = smtp!.received;
    expect(mail?.subject).toBe('Reset your Foyer password');
    expect(mail?.to).toMatchObject({ value: [{ address: foyer!.admin.email }] });
    resetLink = mail!.text!.match(/http:\/\/localhost:\d+\/reset-password\?token=\S+/)![0];
  });

  step('the link refuses a common password, then sets the new one and signs in', async () => {
    const { page } = session;
    await page.goto(resetLink);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password').fill('short');
    await page.getByLabel('Confirm password').fill('shirt');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByText('Use at least 8 characters.').waitFor();
    await page.getByText('The passwords do not match.').waitFor();
    await page.getByLabel('New password').fill('password123');
    await page.getByLabel('Confirm password').fill('password123');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByText('This password is one of the most commonly used ones').waitFor();
    await screenshot(page, 'passwords-02-common-refused');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByLabel('Confirm password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  });

  step('the old password no longer works, and the link works only once', async () => {
    const { page, context } = session;
    await context.clearCookies();
    await signIn(foyer!.admin.password);
    await page.getByText('The email, username or password is not correct.').waitFor();
    await page.goto(resetLink);
    await page.getByLabel('New password').fill('yet another new password');
    await page.getByLabel('Confirm password').fill('yet another new password');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByText('This link no longer works').waitFor();
    await screenshot(page, 'passwords-03-link-used');
  });

  step('signed in with the new password, Security → Password changes it and offers to sign out elsewhere', async () => {
    const { page } = session;
    const elsewhere = await openSession(browser!, foyer!);
    await elsewhere.page.goto('/login');
    await elsewhere.page.getByLabel('Email or username').fill(foyer!.admin.email);
    await elsewhere.page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await elsewhere.page.getByRole('button', { name: 'Sign in' }).click();
    await elsewhere.page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();

    await signIn(NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    const card = page.getByRole('region', { name: 'Password' });
    await card.getByRole('button', { name: 'Change password' }).click();
    await card.getByLabel('Current password').fill(NEW_PASSWORD);
    await card.getByLabel('New password', { exact: true }).fill(CHANGED_PASSWORD);
    await card.getByLabel('Confirm new password').fill(CHANGED_PASSWORD);
    await card.getByRole('button', { name: 'Save password' }).click();
    // The session the reset link started, and the one in the other browser.
    await card.getByText('You are still signed in on 2 other sessions.').waitFor();
    await screenshot(page, 'passwords-04-changed');
    await card.getByRole('button', { name: 'Sign out of other sessions' }).click();
    await page.getByText('Signed out of 2 other sessions.').waitFor();

    await elsewhere.page.reload();
    await elsewhere.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await elsewhere.context.close();
    expect(session.pageErrors).toEqual([]);
  });
});
