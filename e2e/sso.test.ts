import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startTestProvider, type TestProvider } from '../src/sso/test-provider.js';
import { expectRefusedInBrowser } from './form-checks.js';
import { flowSteps, browserForFile, openSession, screenshot, signInAsAdmin, startFoyer, tableRow, type BrowserSession, type Foyer } from './harness.js';

const alice = { name: 'Alice Example', email: 'alice@example.com', username: 'alice' };

describe('single sign-on: an administrator adds a provider and switches an account to SSO; people sign in through the provider', () => {
  let foyer: Foyer | undefined;
  let idp: TestProvider | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let person: BrowserSession;
  let stranger: BrowserSession;
  let current: BrowserSession | undefined;
  const step = flowSteps('sso', () => ({ page: current?.page, foyer }));

  beforeAll(async () => {
    foyer = await startFoyer({ FOYER_SECRET_KEY: Buffer.alloc(32, 3).toString('base64') });
    idp = await startTestProvider({
      redirectUri: `${foyer.url}/api/v1/auth/sso/callback`,
      accounts: [
        { login: 'alice', subject: 'alice-at-corp', email: alice.email, emailVerified: true, name: alice.name },
        { login: 'carol', subject: 'carol-at-corp', email: 'carol@example.com', emailVerified: true, name: 'Carol Newcomer' },
      ],
    });
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
    person = await openSession(browser, foyer);
    stranger = await openSession(browser, foyer);
    current = admin;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await idp?.stop();
    await foyer?.stop();
  });

  /** The provider's own sign-in page (oidc-provider's development pages), as a person would use it. */
  async function signInAtProvider(session: BrowserSession, login: string) {
    const { page } = session;
    await page.getByRole('link', { name: 'Continue with Corp ID' }).click();
    await page.waitForURL(`${idp!.issuer}/**`);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('whatever the provider checks');
    await screenshot(page, `sso-provider-login-${login}`);
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }

  step('the administrator adds the provider and tests the connection', async () => {
    const { page } = admin;
    await signInAsAdmin(page, foyer!);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SSO providers' }).click();
    await page.getByRole('button', { name: 'Add provider' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add an SSO provider' });
    await dialog.getByRole('textbox', { name: 'Issuer URL' }).fill('http://login.example.com');
    await expectRefusedInBrowser(dialog, 'Add provider', 'Use https:// (plain http only on localhost).');
    await dialog.getByRole('textbox', { name: 'Display name' }).fill('Corp ID');
    await dialog.getByRole('textbox', { name: 'Issuer URL' }).fill(idp!.issuer);
    await dialog.getByRole('textbox', { name: 'Client ID' }).fill(idp!.clientId);
    await dialog.getByLabel('Client secret').fill(idp!.clientSecret);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await dialog.getByText('Connection works').waitFor();
    await screenshot(page, 'sso-01-add-provider');
    await dialog.getByRole('button', { name: 'Add provider' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await tableRow(page.getByRole('table', { name: 'SSO providers' }), 'Corp ID')).toMatchObject({ 'Client secret': 'Stored' });
    await screenshot(page, 'sso-02-providers');
  });

  step('the administrator creates Alice and switches her account to SSO in Edit User', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    const add = page.getByRole('dialog', { name: 'Add user' });
    await add.getByRole('textbox', { name: /^Name/ }).fill(alice.name);
    await add.getByRole('textbox', { name: /^Email/ }).fill(alice.email);
    await add.getByLabel('Password', { exact: true }).fill('alice local password');
    await add.getByRole('button', { name: 'Create user' }).click();
    await add.waitFor({ state: 'hidden' });
    expect(await tableRow(page.getByTestId('users-table'), alice.email)).toMatchObject({ 'Sign-in': expect.stringContaining('Password') });

    await page.getByRole('button', { name: `Actions for ${alice.name}` }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${alice.name}` });
    await edit.getByText('SSO', { exact: true }).click();
    await screenshot(page, 'sso-03-switch-to-sso');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.reload();
    expect(await tableRow(page.getByTestId('users-table'), alice.email)).toMatchObject({ 'Sign-in': expect.stringContaining('SSO') });
  });

  step('Alice signs in through the provider’s own page and her account is linked', async () => {
    current = person;
    const { page } = person;
    await page.goto('/login');
    await screenshot(page, 'sso-04-sign-in-page');
    await signInAtProvider(person, 'alice');
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByText(alice.email).first().waitFor();
    const card = page.getByRole('region', { name: 'Single sign-on' });
    await card.getByRole('table', { name: 'Linked providers' }).getByText('Corp ID').waitFor();
    await screenshot(page, 'sso-05-alice-signed-in');
  });

  step('someone the provider knows but Foyer does not is told so on the sign-in page', async () => {
    current = stranger;
    const { page } = stranger;
    await page.goto('/login');
    await signInAtProvider(stranger, 'carol');
    await page.waitForURL('**/login');
    await page.getByText('No Foyer account uses this sign-in yet').waitFor();
    await screenshot(page, 'sso-06-unknown-person');
  });

  step('with registration on, the same person gets an account awaiting approval', async () => {
    const { page } = stranger;
    const allowed = await admin.context.request.patch('/api/v1/admin/settings', {
      headers: { origin: foyer!.url },
      data: { registration: { ssoRegistrationEnabled: true } },
    });
    expect(allowed.status()).toBe(200);
    await page.getByRole('link', { name: 'Continue with Corp ID' }).click();
    // The provider remembers Carol from a minute ago and sends her straight back.
    await page.getByText('Your account is awaiting administrator approval').waitFor();
    await screenshot(page, 'sso-07-awaiting-approval');
  });

  step('the administrator sees Alice’s linked provider on her page and removes the link', async () => {
    current = admin;
    const { page } = admin;
    await page.getByRole('link', { name: alice.name }).first().click();
    const section = page.getByRole('region', { name: 'Single sign-on' });
    await section.getByText('Corp ID').waitFor();
    await screenshot(page, 'sso-08-user-detail');
    await section.getByRole('button', { name: 'Remove link to Corp ID' }).click();
    const confirm = page.getByRole('dialog', { name: `Remove ${alice.name}’s link to Corp ID?` });
    await confirm.getByRole('button', { name: 'Remove link' }).click();
    await confirm.waitFor({ state: 'hidden' });
    // Removing the link takes SSO away: the switch to SSO goes too, so the section has nothing left to show.
    await section.waitFor({ state: 'detached' });
    expect(admin.pageErrors.map(String)).toEqual([]);
    expect(person.pageErrors.map(String)).toEqual([]);
    expect(stranger.pageErrors.map(String)).toEqual([]);
  });
});
