import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createTestSmtpServer, type TestSmtpServer } from '../src/mail/test-smtp-server.js';
import { flowSteps, browserForFile, openSession, screenshot, startFoyer, tableRow, type BrowserSession, type Foyer } from './harness.js';

const visitor = { name: 'Rita Requester', email: 'rita@example.com', password: 'rita e2e password 42' };
const DOMAIN_REFUSED = 'This email domain is not approved — contact your administrator';

describe('access requests: a visitor asks, an administrator approves, the invitation gets them in', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let smtp: TestSmtpServer;
  let admin: BrowserSession;
  let guest: BrowserSession;
  let current: BrowserSession | undefined;
  const step = flowSteps('access-requests', () => ({ page: current?.page, foyer }));

  beforeAll(async () => {
    smtp = await createTestSmtpServer();
    await smtp.start();
    foyer = await startFoyer({ FOYER_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, FOYER_MAIL_FROM: 'Foyer <foyer@example.com>' });
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
    guest = await openSession(browser, foyer);
    current = admin;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
    await smtp?.stop();
  });

  async function signIn(session: BrowserSession, identifier: string, password: string) {
    const { page } = session;
    await page.goto('/login');
    await page.getByLabel('Email or username').fill(identifier);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  }

  async function mailTo(address: string, subject: string) {
    for (let tries = 0; tries < 100; tries += 1) {
      const mail = smtp.received.find((m) => m.subject === subject && (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address === address);
      if (mail) return mail;
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error(`no mail "${subject}" to ${address}; received: ${smtp.received.map((m) => m.subject).join(', ')}`);
  }

  step('the administrator opens Access requests and turns the public form on', async () => {
    const { page } = admin;
    await signIn(admin, foyer!.admin.email, foyer!.admin.password);
    // Only example.com may ask, so the refusal below is real.
    const domains = await page.request.patch('/api/v1/admin/settings', { data: { allowedDomains: ['example.com'] }, headers: { origin: foyer!.url } });
    expect(domains.status()).toBe(200);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access requests' }).click();
    await page.getByRole('heading', { name: 'Access requests', level: 1 }).waitFor();
    const toggle = page.getByRole('switch', { name: 'Accept access requests' });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click({ force: true });
    await page.getByText('Registration settings saved.').waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await screenshot(page, 'access-requests-01-enabled');
  });

  step('a visitor from a refused domain sees the exact message', async () => {
    current = guest;
    const { page } = guest;
    await page.goto('/login');
    await page.getByRole('link', { name: 'Request access' }).click();
    await page.getByRole('heading', { name: 'Request access' }).waitFor();
    await page.getByLabel('Name').fill('Mallory Outsider');
    await page.getByLabel('Email').fill('mallory@elsewhere.org');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText(DOMAIN_REFUSED, { exact: true }).waitFor();
    await screenshot(page, 'access-requests-02-domain-refused');
  });

  step('a visitor from an allowed domain sends the form and is thanked', async () => {
    const { page } = guest;
    await page.goto('/signup');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('Enter your name.').waitFor();
    await page.getByText('Enter a valid email address.').waitFor();
    await page.getByLabel('Name').fill(visitor.name);
    await page.getByLabel('Email').fill(visitor.email);
    await page.getByLabel('Message').fill('I run the front desk on Mondays.');
    await screenshot(page, 'access-requests-03-form');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('Request received').waitFor();
    await screenshot(page, 'access-requests-04-thanks');
    await mailTo(visitor.email, 'We received your request to join Foyer');
    await mailTo(foyer!.admin.email, `New access request from ${visitor.name} — Foyer`);
  });

  step('the administrator follows the notice’s link to the request and approves it; the toast says what happened', async () => {
    current = admin;
    const { page } = admin;
    const notice = await mailTo(foyer!.admin.email, `New access request from ${visitor.name} — Foyer`);
    const link = /https?:\/\/\S+/.exec(notice.text ?? '')?.[0];
    expect(link).toBe(`${foyer!.url}/admin/access-requests?q=${encodeURIComponent(visitor.email)}`);
    await page.goto(link!);
    expect(await page.getByRole('textbox', { name: 'Search' }).inputValue()).toBe(visitor.email);
    const table = page.getByRole('table', { name: 'Access requests' });
    const row = await tableRow(table, visitor.email);
    expect(row.Message).toBe('I run the front desk on Mondays.');
    expect(row.Status).toBe('Pending');
    await page.getByRole('checkbox', { name: `Select ${visitor.name}` }).check();
    await page.getByRole('button', { name: 'Approve (1)' }).click();
    // Approving asks first, naming who, and can give roles and groups in the same step.
    const approve = page.getByRole('dialog', { name: `Approve ${visitor.name} <${visitor.email}>?` });
    await approve.getByRole('button', { name: 'Approve', exact: true }).waitFor();
    await screenshot(page, 'access-requests-05a-approve-dialog');
    await approve.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByText(`${visitor.name} <${visitor.email}>: account created and invitation sent`).waitFor();
    await screenshot(page, 'access-requests-05-approved');
  });

  step('a request from someone who already has an account is marked, cleared silently, and restored from Show deleted', async () => {
    const { page } = admin;
    const known = { name: 'Ada Again', email: foyer!.admin.email };
    const sent = await page.request.post('/api/v1/access-requests', { data: { ...known, message: '' }, headers: { origin: foyer!.url } });
    expect(sent.status()).toBe(202);
    await mailTo(known.email, 'We received your request to join Foyer');
    await mailTo(known.email, `New access request from ${known.name} — Foyer`);
    const mailsToAda = () => smtp.received.filter((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address === known.email).length;
    const mailsBefore = mailsToAda();
    await page.goto('/admin/access-requests');
    const table = page.getByRole('table', { name: 'Access requests' });
    expect((await tableRow(table, known.email)).Person).toContain('Has an account');
    await screenshot(page, 'access-requests-06-account-exists');
    await page.getByRole('button', { name: `Clear the request from ${known.name}` }).click();
    await page.getByRole('dialog', { name: `Decline the request from ${known.name}?` }).getByRole('button', { name: 'Decline', exact: true }).click();
    await page.getByText(`${known.name} <${known.email}>: declined`).waitFor();
    await table.locator('tbody tr').filter({ hasText: known.email }).waitFor({ state: 'detached' });

    await page.getByRole('switch', { name: 'Show deleted' }).click({ force: true });
    await tableRow(table, known.email);
    await screenshot(page, 'access-requests-07-show-deleted');
    await page.getByRole('button', { name: `Restore the request from ${known.name}` }).click();
    await page.getByText(`The request from ${known.name} is back in the list.`).waitFor();
    await page.getByRole('switch', { name: 'Show deleted' }).click({ force: true });
    await tableRow(table, known.email);
    // Declining told nobody anything.
    expect(mailsToAda()).toBe(mailsBefore);
  });

  step('the invitation mail’s link sets a password, and the person signs in', async () => {
    current = guest;
    const { page } = guest;
    const invitation = await mailTo(visitor.email, 'Your Foyer account is ready');
    const link = /https?:\/\/\S+/.exec(invitation.text ?? '')?.[0];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.getByRole('heading', { name: `Welcome, ${visitor.name}` }).waitFor();
    await page.getByLabel('New password').fill(visitor.password);
    await page.getByLabel('Confirm password').fill(visitor.password);
    await screenshot(page, 'access-requests-08-set-password');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await guest.context.clearCookies();
    await signIn(guest, visitor.email, visitor.password);
    await screenshot(page, 'access-requests-09-signed-in');
    expect(guest.pageErrors).toEqual([]);
    expect(admin.pageErrors).toEqual([]);
  });
});
