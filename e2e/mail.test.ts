import { describe, expect } from 'vitest';
import { expectRefusedInBrowser } from './form-checks.js';
import { browserFlow, screenshot, signInAsAdmin, tableRow } from './harness.js';

describe('mail: without SMTP, a test email lands in the dev mailbox and its link opens the console', () => {
  const flow = browserFlow('mail', { FOYER_LOG_LEVEL: 'info' });
  const { step } = flow;
  const recipient = 'grace.tester@example.com';

  step('the administrator signs in and is told that mail is not being delivered', async () => {
    const { page } = flow.session;
    await signInAsAdmin(page, flow.foyer);
    await page.getByText('Mail is not being delivered — messages are captured in the dev mailbox').waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByRole('switch', { name: 'New access request' }).waitFor();
    expect(await page.getByRole('switch', { name: 'New access request' }).isChecked()).toBe(true);
    await screenshot(page, 'mail-01-banner');
  });

  step('Settings → Email sends a test email, which is captured', async () => {
    const { page } = flow.session;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Email', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/settings/email');
    const smtp = page.getByRole('form', { name: 'SMTP server' });
    await smtp.getByLabel('Host').fill('not a host');
    await expectRefusedInBrowser(smtp, 'Save email settings', 'Enter a host name or IP address, such as smtp.example.com.');
    await smtp.getByLabel('Host').fill('');
    const testEmail = page.getByRole('form', { name: 'Send a test email' });
    await page.getByLabel('Send a test email to').fill('grace.tester');
    await expectRefusedInBrowser(testEmail, 'Send test email', 'Enter an email address to send the test to.');
    await page.getByLabel('Send a test email to').fill(recipient);
    await page.getByRole('button', { name: 'Send test email' }).click();
    const result = page.getByRole('alert').filter({ hasText: 'Captured in the dev mailbox' });
    await result.waitFor();
    expect(await result.innerText()).toContain(`Nothing was delivered to ${recipient}`);
    await screenshot(page, 'mail-02-test-email-captured');
  });

  step('the Mail page lists the captured message', async () => {
    const { page } = flow.session;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mail' }).click();
    await page.getByRole('heading', { name: 'Mail', level: 1 }).waitFor();
    const row = await tableRow(page.getByTestId('outbox-table'), recipient);
    expect(row).toMatchObject({ To: recipient, Subject: 'Test email from Foyer', Status: 'Captured' });
    expect(flow.foyer.logs()).toContain('mail captured in the dev mailbox');
    await screenshot(page, 'mail-03-outbox');
  });

  step('opening the message shows it rendered, with its link', async () => {
    const { page } = flow.session;
    await page.getByRole('button', { name: 'Test email from Foyer' }).click();
    const drawer = page.getByRole('dialog', { name: 'Test email from Foyer' });
    await drawer.getByLabel('Message details').waitFor();
    expect(await drawer.getByLabel('Message details').innerText()).toContain(recipient);
    const body = page.frameLocator('iframe[title="Message as HTML"]');
    await body.getByText('If you can read it, Foyer can send email.').waitFor();
    await drawer.getByRole('link', { name: `${flow.foyer.url}/` }).waitFor();
    // Let the drawer finish sliding in, so the screenshot shows it as people see it.
    await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished)));
    await screenshot(page, 'mail-04-message');
  });

  step('the link in the message opens the console home page', async () => {
    const { page, context, pageErrors } = flow.session;
    const [opened] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('dialog').getByRole('link', { name: `${flow.foyer.url}/` }).click(),
    ]);
    await opened.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(new URL(opened.url()).pathname).toBe('/');
    await screenshot(opened, 'mail-05-link-opened');
    expect(pageErrors.map(String)).toEqual([]);
  });
});
