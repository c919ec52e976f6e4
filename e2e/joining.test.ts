import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { expectRefusedInBrowser } from './form-checks.js';
import { addVirtualAuthenticator, flowSteps, browserForFile, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

async function signInAsAdmin(page: Page, foyer: Foyer): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email or username').fill(foyer.admin.email);
  await page.getByLabel('Password', { exact: true }).fill(foyer.admin.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
}

/** The links of the newest message to `to` in the dev mailbox (no SMTP is configured, so mail is captured there). */
async function mailLinks(page: Page, to: string): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const outbox = await (await page.request.get('/api/v1/admin/mail/outbox')).json();
    const message = outbox.items.find((m: { to: string }) => m.to === to);
    if (message) return (await (await page.request.get(`/api/v1/admin/mail/outbox/${message.id}`)).json()).links;
    await page.waitForTimeout(200);
  }
  throw new Error(`no mail to ${to}`);
}

describe('joining: a sign-up link with limit 1 and a group, used by one visitor with a passkey and refused to the next', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let visitor: BrowserSession;
  let link = '';
  const step = flowSteps('joining-signup-link', () => ({ page: visitor?.page ?? admin?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  step('the administrator creates a single-use link that puts people in the "Early birds" group', async () => {
    const { page } = admin;
    await signInAsAdmin(page, foyer!);
    const group = await page.request.post('/api/v1/admin/groups', { data: { name: 'Early birds' }, headers: { origin: foyer!.url } });
    expect(group.status()).toBe(201);
    await page.getByRole('link', { name: 'Sign-up links' }).click();
    await page.getByRole('heading', { name: 'Sign-up links', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a sign-up link' });
    await dialog.getByLabel('Expires on').fill('');
    await expectRefusedInBrowser(dialog, 'Create', 'Choose the last day the link works.');
    await dialog.getByLabel('Expires on').fill(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
    await dialog.getByLabel('Usage limit').fill('1');
    await dialog.getByLabel('Groups').click();
    await page.getByRole('option', { name: 'Early birds' }).click();
    await screenshot(page, 'joining-01-create-link');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const created = page.getByRole('dialog', { name: 'Sign-up link created' });
    link = await created.getByRole('textbox', { name: 'Sign-up link' }).inputValue();
    expect(link).toMatch(new RegExp(`^${foyer!.url}/join\\?token=[\\w-]{43}$`));
    await screenshot(page, 'joining-02-link-shown-once');
    await created.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('table', { name: 'Sign-up links' }).locator('tbody tr').first();
    await row.getByText('0 / 1').waitFor();
    await row.getByText('Active').waitFor();
  });

  step('a visitor with no account follows it, signs up, registers a passkey and lands on their dashboard', async () => {
    visitor = await openSession(browser!, foyer!);
    const { page } = visitor;
    await addVirtualAuthenticator(page);
    await page.goto(link);
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Vera Visitor');
    await page.getByLabel('Email').fill('vera@example.com');
    await page.getByLabel('Username').fill('vera');
    await screenshot(page, 'joining-03-sign-up-form');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.getByText('Confirm your email address').waitFor();
    await screenshot(page, 'joining-04-dashboard');
    const users = await (await admin.page.request.get('/api/v1/admin/users?q=vera')).json();
    expect(users.items[0].groups).toEqual([expect.objectContaining({ name: 'Early birds' })]);
  });

  step('she signs out and back in with the passkey alone', async () => {
    const { page } = visitor;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Continue with a passkey' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(visitor.pageErrors).toEqual([]);
  });

  step('a second visitor gets the "used up" page and nothing is created', async () => {
    const second = await openSession(browser!, foyer!);
    await second.page.goto(link);
    await second.page.getByRole('heading', { name: 'This sign-up link has been used up' }).waitFor();
    await screenshot(second.page, 'joining-05-used-up');
    await admin.page.reload();
    await admin.page.getByRole('table', { name: 'Sign-up links' }).getByText('Used up').waitFor();
  });
});

describe('joining: an invitation email, a password set through its link, and a login link that ends in a new passkey', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let guest: BrowserSession;
  const step = flowSteps('joining-invitation', () => ({ page: guest?.page ?? admin?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  step('the administrator invites Ivan from the Users page; he appears under Pending invitations', async () => {
    const { page } = admin;
    await signInAsAdmin(page, foyer!);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('menuitem', { name: 'Invite user by email…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite user' });
    await dialog.getByLabel('Display name').fill('Ivan Invitee');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('ivan@example.com');
    await screenshot(page, 'joining-06-invite-dialog');
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const pending = page.getByRole('region', { name: 'Pending invitations' });
    await pending.getByText('ivan@example.com').waitFor();
    await pending.getByText('Ada Admin').waitFor();
    await screenshot(page, 'joining-07-pending-invitations');
  });

  step('Ivan opens the link from the email, sets a password and is signed in with his email confirmed', async () => {
    const links = await mailLinks(admin.page, 'ivan@example.com');
    const invitation = links.find((l) => l.includes('/invitation?token='))!;
    guest = await openSession(browser!, foyer!);
    const { page } = guest;
    await page.goto(invitation);
    await page.getByRole('heading', { name: 'Welcome, Ivan Invitee' }).waitFor();
    await screenshot(page, 'joining-08-accept-invitation');
    await page.getByLabel('New password').fill('ivan has a long password');
    await page.getByLabel('Confirm password').fill('ivan has a long password');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(await page.getByText('Confirm your email address').count()).toBe(0);
    await admin.page.reload();
    await admin.page.getByRole('region', { name: 'Pending invitations' }).getByText('No pending invitations.').waitFor();
  });

  step('locked out on a new device, Ivan gets a copied login link and registers a new passkey with it', async () => {
    const { page } = admin;
    const users = await (await page.request.get('/api/v1/admin/users?q=ivan')).json();
    await page.goto(`/admin/users/${users.items[0].id}`);
    const section = page.getByRole('region', { name: 'Getting in' });
    await section.getByRole('button', { name: 'Send invite' }).waitFor();
    expect(await section.getByRole('button', { name: 'Send invite' }).isDisabled()).toBe(true);
    await section.getByRole('button', { name: 'Copy login link' }).click();
    const dialog = page.getByRole('dialog', { name: 'One-time login link' });
    const url = await dialog.getByLabel('Login link').inputValue();
    await screenshot(page, 'joining-09-login-link-copied');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const device = await openSession(browser!, foyer!);
    await addVirtualAuthenticator(device.page);
    await device.page.goto(url);
    await device.page.getByRole('button', { name: 'Sign in' }).click();
    await device.page.getByRole('heading', { name: 'Register a new passkey' }).waitFor();
    await screenshot(device.page, 'joining-10-login-link-passkey');
    await device.page.getByRole('button', { name: 'Register a passkey' }).click();
    await device.page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await device.page.goto('/account');
    await device.page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await device.page.getByRole('region', { name: 'Passkeys' }).getByRole('table').waitFor();
    expect(device.pageErrors).toEqual([]);

    await page.reload();
    const table = page.getByRole('table', { name: 'Login links' });
    await table.getByText('Used').waitFor();
    await screenshot(page, 'joining-11-login-link-used');
  });
});
