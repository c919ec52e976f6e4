import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { flowSteps, launchBrowser, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

describe('apps console: an administrator registers an app, tries it on two people, rotates its secret and deletes it', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let session: BrowserSession;
  const step = flowSteps('apps-console', () => ({ page: session?.page, foyer }));
  const grace = { name: 'Grace Hopper', email: 'grace@example.com', username: 'grace', password: 'grace correct horse battery' };
  const linus = { name: 'Linus Outsider', email: 'linus@example.com', username: 'linus', password: 'linus correct horse battery' };
  let graceId = '';
  let groupId = '';

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await launchBrowser();
    session = await openSession(browser, foyer);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  /** A same-origin write from the signed-in browser, for set-up the flow itself is not about. */
  async function post(path: string, data: unknown) {
    const reply = await session.context.request.post(path, { data, headers: { origin: foyer!.url } });
    expect(reply.status(), await reply.text()).toBeLessThan(300);
    return (await reply.json()) as { id?: string; user?: { id: string } };
  }

  step('the administrator signs in; Grace is in Engineering, Linus is not', async () => {
    const { page } = session;
    await page.goto('/login');
    await page.getByLabel('Email or username').fill(foyer!.admin.email);
    await page.getByLabel('Password', { exact: true }).fill(foyer!.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    graceId = (await post('/api/v1/admin/users', grace)).user!.id;
    await post('/api/v1/admin/users', linus);
    groupId = (await post('/api/v1/admin/groups', { name: 'Engineering', description: '', roleIds: [] })).id!;
    await post(`/api/v1/admin/groups/${groupId}/members`, { userIds: [graceId] });
  });

  step('registering "Wiki" for Engineering shows the settings to paste, then its page', async () => {
    const { page } = session;
    await page.goto('/admin/apps');
    await page.getByRole('button', { name: 'New app' }).click();
    const dialog = page.getByRole('dialog', { name: 'New app' });
    await dialog.getByLabel('Name').fill('Wiki');
    await dialog.getByRole('textbox', { name: /^Redirect URIs/ }).fill('https://wiki.example.com/oauth/callback');
    await dialog.getByLabel('Members of these groups may open it').click();
    await page.getByRole('option', { name: 'Engineering' }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Register app' }).click();
    const registered = page.getByRole('dialog', { name: 'Wiki is registered' });
    await expect.poll(() => registered.getByLabel('Client secret', { exact: true }).inputValue()).toMatch(/.{40,}/);
    const clientId = await registered.getByLabel('Client ID', { exact: true }).inputValue();
    await screenshot(page, 'apps-console-01-registered');
    await registered.getByRole('button', { name: 'Go to the app' }).click();
    await page.getByRole('heading', { name: 'Wiki', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/apps\/[0-9a-f-]{36}$/);
    expect(await page.getByLabel('Client ID', { exact: true }).inputValue()).toBe(clientId);
    expect(await page.getByLabel('Discovery URL', { exact: true }).inputValue()).toBe(`${foyer!.url}/.well-known/openid-configuration`);
    await expect.poll(() => page.getByText('Who may open it: Engineering.').count()).toBe(1);
  });

  step('"Try it" shows Grace the claims she would receive, and tells why Linus is refused', async () => {
    const { page } = session;
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.getByLabel('Person').fill('grace');
    await page.getByRole('option', { name: /Grace Hopper/ }).click();
    const result = tryIt.getByTestId('try-it-result');
    await result.getByText('Allowed as a member of Engineering.').waitFor();
    const claims = JSON.parse(await result.locator('pre').innerText()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: graceId, email: grace.email, name: grace.name, groups: ['Engineering'] });
    await screenshot(page, 'apps-console-02-try-it-allowed');

    await tryIt.getByLabel('Person').fill('linus');
    await page.getByRole('option', { name: /Linus Outsider/ }).click();
    await result.getByText('Refused').waitFor();
    await result.getByText(/open only to members of its groups/).waitFor();
    expect(await result.locator('pre').count()).toBe(0);
  });

  step('a new client secret is shown once', async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Make a new client secret' }).click();
    await page.getByRole('dialog', { name: 'New client secret for Wiki?' }).getByRole('button', { name: 'Make a new secret' }).click();
    const shown = page.getByRole('dialog', { name: 'New secret for Wiki' });
    expect(await shown.getByLabel('Client secret', { exact: true }).inputValue()).toMatch(/.{40,}/);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Client secret', { exact: true }).count()).toBe(0);
  });

  step('the group page and Grace’s page show the app', async () => {
    const { page } = session;
    await page.goto(`/admin/groups/${groupId}`);
    await page.getByRole('region', { name: 'Apps this group opens' }).getByRole('link', { name: 'Wiki' }).waitFor();
    await page.goto(`/admin/users/${graceId}`);
    const apps = page.getByRole('region', { name: 'Apps' });
    await apps.getByText('Member of Engineering').waitFor();
    await apps.getByText('Never').waitFor();
  });

  step('renaming and then deleting the app', async () => {
    const { page } = session;
    await page.getByRole('region', { name: 'Apps' }).getByRole('link', { name: 'Wiki' }).click();
    const edit = page.getByRole('region', { name: 'Edit' });
    await edit.getByLabel('Name').fill('Team wiki');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Team wiki', level: 1 }).waitFor();
    await screenshot(page, 'apps-console-03-page');
    await page.getByRole('button', { name: 'Delete app' }).click();
    await page.getByRole('dialog', { name: 'Delete Team wiki?' }).getByRole('button', { name: 'Delete app' }).click();
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    await page.getByText('No apps yet.', { exact: false }).waitFor();
  });
});
