import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { addVirtualAuthenticator, flowSteps, browserForFile, openSession, screenshot, signInAsAdmin, startFoyer, type BrowserSession, type Foyer } from './harness.js';

const guestPerson = { name: 'Lin Guest', email: 'lin@example.com', username: 'lin' };

describe('verified invitations: host and guest exchange codes in two browsers, then the guest signs in with a passkey', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let host: BrowserSession;
  let guest: BrowserSession;
  let current: BrowserSession | undefined;
  let link = '';
  const step = flowSteps('verified-invitations', () => ({ page: current?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    host = await openSession(browser, foyer);
    guest = await openSession(browser, foyer);
    current = host;
    await addVirtualAuthenticator(guest.page);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  async function createInvitation(name: string): Promise<string> {
    const { page } = host;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Verified invitations' }).click();
    await page.getByRole('button', { name: 'New verified invitation' }).click();
    const dialog = page.getByRole('dialog', { name: 'New verified invitation' });
    await dialog.getByLabel('Name (optional)').fill(name);
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const url = await dialog.getByLabel('Invitation link').inputValue();
    expect(url).toMatch(/\/verify-invite\?token=[\w-]{43}$/);
    await screenshot(page, 'verified-invitations-01-link');
    await dialog.getByRole('link', { name: 'Open invitation' }).click();
    await page.getByText('Waiting for the guest to open the invitation link').waitFor();
    return url;
  }

  step('the host creates an invitation and gets its link once', async () => {
    const { page } = host;
    await signInAsAdmin(page, foyer!);
    link = await createInvitation(guestPerson.name);
  });

  step('the guest opens the link and waits; the host page notices by itself', async () => {
    current = guest;
    await guest.page.goto(link);
    await guest.page.getByText(/Waiting for .* to greet you/).waitFor();
    await screenshot(guest.page, 'verified-invitations-02-guest-waiting');
    current = host;
    await host.page.getByRole('button', { name: 'Greet', exact: true }).waitFor();
  });

  step('a second browser with the same link is refused', async () => {
    const thief = await openSession(browser!, foyer!);
    current = thief;
    await thief.page.goto(link);
    await thief.page.getByText('This link was already opened elsewhere').waitFor();
    await screenshot(thief.page, 'verified-invitations-03-second-browser');
    await thief.context.close();
    current = host;
  });

  step('the host greets; each side picks the code the other reads out', async () => {
    await host.page.getByRole('button', { name: 'Greet', exact: true }).click();
    const hostCode = (await host.page.getByTestId('spoken-code').innerText()).trim();
    const guestCode = (await guest.page.getByTestId('spoken-code').innerText()).trim();
    await screenshot(host.page, 'verified-invitations-04-host-codes');
    await screenshot(guest.page, 'verified-invitations-05-guest-codes');

    current = guest;
    await guest.page.getByRole('group', { name: /Which code does .* read out\?/ }).getByRole('button', { name: hostCode }).click();
    await guest.page.getByText(/You confirmed .* code/).waitFor();
    current = host;
    await host.page.getByText('The guest confirmed your code.').waitFor();
    await host.page.getByRole('group', { name: 'Which code does the guest read out?' }).getByRole('button', { name: guestCode }).click();
    await guest.page.getByText('Both codes matched').waitFor();
  });

  step('the host confirms the details and the account is created', async () => {
    const { page } = host;
    expect(await page.getByRole('textbox', { name: /^Name/ }).inputValue()).toBe(guestPerson.name);
    await page.getByRole('textbox', { name: /^Email/ }).fill(guestPerson.email);
    expect(await page.getByRole('textbox', { name: /^Username/ }).inputValue()).toBe(guestPerson.username);
    await screenshot(page, 'verified-invitations-06-details');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Account created').waitFor();
  });

  step('the guest is signed in, registers a passkey and lands on their account', async () => {
    current = guest;
    const { page } = guest;
    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.getByText(`Welcome, ${guestPerson.name}.`).waitFor();
    await screenshot(page, 'verified-invitations-07-guest-signed-in');
    expect(guest.pageErrors).toEqual([]);
  });

  step('the guest signs out and back in with the new passkey', async () => {
    const { page } = guest;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Continue with a passkey' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.getByText(`Welcome, ${guestPerson.name}.`).waitFor();
    expect(guest.pageErrors).toEqual([]);
  });

  step('a wrong code stops the next invitation on both sides', async () => {
    current = host;
    const second = await createInvitation('Second guest');
    const other = await openSession(browser!, foyer!);
    current = other;
    await other.page.goto(second);
    await other.page.getByText(/Waiting for .* to greet you/).waitFor();
    current = host;
    await host.page.getByRole('button', { name: 'Greet', exact: true }).click();
    const hostCode = (await host.page.getByTestId('spoken-code').innerText()).trim();
    const choices = other.page.getByRole('group', { name: /Which code does .* read out\?/ }).getByRole('button');
    await choices.first().waitFor();
    const wrong = (await choices.allInnerTexts()).map((c) => c.trim()).find((c) => c !== hostCode)!;
    await choices.filter({ hasText: wrong }).click();
    await other.page.getByText('This invitation was stopped').waitFor();
    await host.page.getByText('This invitation was stopped').waitFor();
    await screenshot(host.page, 'verified-invitations-08-aborted');
    await other.context.close();
  });
});
