import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { expectRefusedInBrowser } from './form-checks.js';
import { flowSteps, browserForFile, openSession, screenshot, signInAsAdmin, startFoyer, type BrowserSession, type Foyer } from './harness.js';

describe('apps console: an administrator registers an app, tries it on people and rotates its secret; a person withdraws it', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let session: BrowserSession;
  const step = flowSteps('apps-console', () => ({ page: session?.page, foyer }));
  const olga = { name: 'Olga Ops', email: 'olga@example.com', username: 'olga', password: 'olga correct horse battery' };
  const pat = { name: 'Pat Outside', email: 'pat@example.com', username: 'pat', password: 'pat correct horse battery' };
  let appId = '';
  let clientId = '';

  // The app's callback: a page the browser can land on (a route handler does not see redirects, and nothing
  // listening makes Chromium show an error page that interrupts the next navigation).
  const app = createServer((_request, response) => response.end('back at the app'));

  beforeAll(async () => {
    app.listen(59999, '127.0.0.1');
    await once(app, 'listening');
    foyer = await startFoyer();
    browser = await browserForFile();
    session = await openSession(browser, foyer);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  /** A same-origin write from the signed-in browser, for set-up the flow itself is not about. */
  const post = async (path: string, data: unknown) => {
    const res = await session.context.request.post(path, { data, headers: { origin: foyer!.url } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  };

  step('the administrator signs in; Olga is in Operations, Pat in no group', async () => {
    const { page } = session;
    await signInAsAdmin(page, foyer!);
    const ops = await post('/api/v1/admin/groups', { name: 'Operations' });
    await post('/api/v1/admin/users', { ...olga, groupIds: [ops.id] });
    await post('/api/v1/admin/users', pat);
  });

  step('registering Wiki for Operations lands on its page with the client ID, discovery URL and secret', async () => {
    const { page } = session;
    await page.goto('/admin/apps');
    await page.getByRole('button', { name: 'New app' }).click();
    const dialog = page.getByRole('dialog', { name: 'New app' });
    await expectRefusedInBrowser(dialog, 'Register app', 'Enter at least one redirect URI.');
    await dialog.getByLabel('Name').fill('Wiki');
    await dialog.getByLabel('Redirect URIs').fill('http://wiki.example.com/callback');
    await dialog.getByLabel('Members of these groups may open it').click();
    await page.getByRole('option', { name: 'Operations' }).click();
    await dialog.getByLabel('Name').click();
    await dialog.getByRole('button', { name: 'Register app' }).click();
    await dialog.getByText('Line 1 must use https unless the host is localhost or 127.0.0.1').waitFor();
    await dialog.getByLabel('Redirect URIs').fill('http://127.0.0.1:59999/callback');
    await dialog.getByRole('button', { name: 'Register app' }).click();
    await page.getByRole('heading', { name: 'Wiki', level: 1 }).waitFor();
    appId = new URL(page.url()).pathname.split('/').pop()!;
    clientId = await page.getByRole('textbox', { name: 'Client ID' }).inputValue();
    expect(clientId).not.toBe('');
    expect(await page.getByRole('textbox', { name: 'Discovery URL' }).inputValue()).toBe(`${foyer!.url}/.well-known/openid-configuration`);
    expect(await page.getByRole('textbox', { name: 'Client secret' }).inputValue()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByText('Copy the secret now').waitFor();
    await screenshot(page, 'apps-console-01-registered');
  });

  step('Try it: Olga is allowed as a member of Operations and sees her claims; Pat is refused with the reason', async () => {
    const { page } = session;
    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.getByLabel('Person', { exact: true }).fill('olga');
    await page.getByRole('option', { name: /Olga Ops/ }).click();
    const result = tryIt.getByTestId('try-it-result');
    await result.getByText('Allowed as a member of Operations.').waitFor();
    const claims = JSON.parse(await tryIt.getByTestId('try-it-claims').innerText());
    expect(claims).toMatchObject({ email: olga.email, preferred_username: 'olga', groups: ['Operations'] });
    await screenshot(page, 'apps-console-02-try-allowed');
    await tryIt.getByLabel('Person', { exact: true }).fill('pat');
    await page.getByRole('option', { name: /Pat Outside/ }).click();
    await result.getByText('Refused').waitFor();
    await result.getByText('Wiki is open only to members of its groups.', { exact: false }).waitFor();
    expect(await tryIt.getByTestId('try-it-claims').count()).toBe(0);
    await screenshot(page, 'apps-console-03-try-refused');
  });

  step('rotating the secret shows a new one once', async () => {
    const { page } = session;
    await page.reload();
    await page.getByRole('heading', { name: 'Wiki', level: 1 }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Client secret' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog', { name: 'Make a new secret for Wiki?' }).getByRole('button', { name: 'Rotate secret' }).click();
    expect(await page.getByRole('textbox', { name: 'Client secret' }).inputValue()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByText('It is shown only this once', { exact: false }).waitFor();
  });

  step('the list links each app to its page', async () => {
    const { page } = session;
    await page.goto('/admin/apps');
    await page.getByTestId('apps-table').getByRole('link', { name: 'Wiki' }).click();
    await page.getByRole('heading', { name: 'Wiki', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/apps/${appId}`);
  });

  step('Olga allows Wiki, then withdraws it on My account', async () => {
    const olgaSession = await openSession(browser!, foyer!);
    const { page } = olgaSession;
    await page.goto('/login');
    await page.getByLabel('Email or username').fill(olga.email);
    await page.getByLabel('Password', { exact: true }).fill(olga.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    const auth = new URL('/oidc/auth', foyer!.url);
    auth.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:59999/callback',
      response_type: 'code',
      scope: 'openid profile',
      state: 'e2e-state',
    }).toString();
    await page.goto(auth.toString());
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.href.startsWith('http://127.0.0.1:59999/callback'));
    await page.goto('/account');
    const card = page.getByRole('region', { name: "Apps you've authorised" });
    await card.getByText('Wiki').waitFor();
    await screenshot(page, 'apps-console-04-authorised');
    await card.getByRole('button', { name: 'Withdraw Wiki' }).click();
    await page.getByRole('dialog', { name: 'Withdraw Wiki?' }).getByRole('button', { name: 'Withdraw' }).click();
    await card.getByText('You have not allowed any app to learn about you.').waitFor();
    await olgaSession.context.close();
  });
});
