import { copyFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { totpCodeAt } from '../src/auth/mfa/totp.js';
import { answering, demoPage, demoSignIn, escapeHtml, type DemoAnswer, type DemoSignIn } from '../scripts/demo-relying-party.js';
import { addVirtualAuthenticator, flowSteps, browserForFile, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

/**
 * A demo app, as a self-hosted app signs people in with Foyer (scripts/demo-relying-party.ts, which `npm run
 * demo-app` uses too). Its launch URL (`/`) starts a sign-in; its callback redeems the code and shows who is signed
 * in, with the email from userinfo beside the ID token's, or the error Foyer sent back.
 */
async function startDemoApp(name: string) {
  let signIn: (DemoSignIn & { rp: oidc.Configuration }) | undefined;
  const page = (body: string) => demoPage(name, body);
  const answer = async (url: URL): Promise<DemoAnswer> => {
    if (!signIn) return { status: 503, body: page('<p>Not configured yet</p>') };
    if (url.pathname === '/') return { status: 302, location: (await signIn.start()).href };
    if (url.pathname === '/callback') {
      demo.callbacks.push(url);
      const outcome = await signIn.finish(url);
      if (outcome.kind === 'refused') {
        return {
          status: 403,
          body: page(`<h1>${escapeHtml(name)} could not sign you in</h1><p>${escapeHtml(outcome.error)}</p><p>${escapeHtml(outcome.description)}</p>`),
        };
      }
      if (outcome.kind === 'unknown_sign_in') return { status: 400, body: page('<p>Unknown sign-in</p>') };
      const userinfo = await oidc.fetchUserInfo(signIn.rp, outcome.tokens.access_token, outcome.claims.sub);
      return {
        status: 200,
        body: page(
          `<h1>Welcome to ${escapeHtml(name)}</h1><p>Signed in as <span data-testid="id-token-email">${escapeHtml(String(outcome.claims.email))}</span></p>` +
            `<p>Userinfo email: <span data-testid="userinfo-email">${escapeHtml(String(userinfo.email))}</span></p>`,
        ),
      };
    }
    return { status: 404, body: page('<p>Not found</p>') };
  };
  const server: Server = createServer(answering(name, answer, () => demo.url));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const demo = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    callbacks: [] as URL[],
    async configure(issuer: string, clientId: string, clientSecret: string) {
      signIn = await demoSignIn({ issuer, clientId, clientSecret, redirectUri: `${demo.url}/callback`, scope: 'openid profile email' });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return demo;
}

const SHOTS = '/tmp/shots-apps-finish2';

/** The page at a phone's width and a laptop's, light and dark, for looking at: test-results/ and /tmp/shots-apps-finish2/. */
async function screenshots(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    // The console follows the system's scheme until the person picks one; Foyer's plain pages always do.
    await page.emulateMedia({ colorScheme });
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
      const path = await screenshot(page, `${name}-${width}-${colorScheme}`);
      copyFileSync(path, `${SHOTS}/${name}-${width}-${colorScheme}.png`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('apps: a member opens an app from their home with a passkey, allows it once, and a non-member is refused', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let mia: BrowserSession;
  let current: BrowserSession | undefined;
  let wiki: Awaited<ReturnType<typeof startDemoApp>> | undefined;
  let chat: Awaited<ReturnType<typeof startDemoApp>> | undefined;
  let refusedStep = '';
  const registered = new Map<string, { id: string; clientId: string }>();
  let staffId = '';
  const step = flowSteps('apps', () => ({ page: current?.page, foyer }));
  const member = { name: 'Mia Member', email: 'mia@example.com', username: 'mia', password: 'mia correct horse battery' };
  const outsider = { name: 'Otto Outside', email: 'otto@example.com', username: 'otto', password: 'otto correct horse battery' };

  /** Every page the main frame showed from now on. */
  const visited = (page: Page) => {
    const urls: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) urls.push(frame.url());
    });
    return urls;
  };

  const signInWithPassword = async (page: Page, who: { email: string; password: string }) => {
    await page.goto('/login');
    await page.getByLabel('Email or username').fill(who.email);
    await page.getByLabel('Password', { exact: true }).fill(who.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  };

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    wiki = await startDemoApp('Demo Wiki');
    chat = await startDemoApp('Demo Chat');
    admin = await openSession(browser, foyer);
    current = admin;
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await wiki?.stop();
    await chat?.stop();
    await foyer?.stop();
  });

  const post = async (path: string, data: unknown) => {
    const res = await admin.context.request.post(path, { data, headers: { origin: foyer!.url } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  };

  step('the administrator registers Demo Wiki (asks consent) and Demo Chat (does not) for the Staff group', async () => {
    await signInWithPassword(admin.page, foyer!.admin);
    const staff = await post('/api/v1/admin/groups', { name: 'Staff' });
    staffId = staff.id;
    await post('/api/v1/admin/users', { ...member, groupIds: [staff.id] });
    await post('/api/v1/admin/users', outsider);
    for (const [demo, name, requireConsent] of [
      [wiki!, 'Demo Wiki', true],
      [chat!, 'Demo Chat', false],
    ] as const) {
      const { app, clientSecret } = await post('/api/v1/admin/apps', {
        name,
        type: 'confidential',
        redirectUris: [`${demo.url}/callback`],
        launchUrl: `${demo.url}/`,
        requireConsent,
        access: { everyone: false, groupIds: [staff.id] },
      });
      await demo.configure(foyer!.url, app.clientId, clientSecret);
      registered.set(name, app);
    }
  });

  step('Mia adds a passkey, signs out, and signs back in with it alone; her home shows both app tiles', async () => {
    mia = await openSession(browser!, foyer!);
    current = mia;
    const { page } = mia;
    await addVirtualAuthenticator(page);
    await signInWithPassword(page, member);
    await page.goto('/account');
    const passkeys = page.getByRole('region', { name: 'Passkeys' });
    await passkeys.getByRole('button', { name: 'Add a passkey' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a passkey' });
    await dialog.getByLabel('Passkey name').fill('Phone');
    await dialog.getByRole('button', { name: 'Create passkey' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'Continue with a passkey' }).click();
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    const apps = page.getByRole('region', { name: 'Your apps' });
    await apps.getByRole('link', { name: 'Demo Wiki' }).waitFor();
    await apps.getByRole('link', { name: 'Demo Chat' }).waitFor();
  });

  step('the Demo Wiki tile goes to the app, which sends her to Foyer: the consent page names the app and what it will see', async () => {
    const { page } = mia;
    await page.getByRole('region', { name: 'Your apps' }).getByRole('link', { name: 'Demo Wiki' }).click();
    await page.getByRole('heading', { name: 'Sign in to Demo Wiki?' }).waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/authorize\/[\w-]+$/);
    await page.getByText('Demo Wiki will see:').waitFor();
    for (const words of ['That it is you (an identifier that never changes)', 'Your name and username', 'Your email address']) {
      await page.getByRole('listitem').filter({ hasText: words }).waitFor();
    }
    await screenshots(page, 'apps-01-consent');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('Allow: the demo app shows her email from the ID token and from userinfo', async () => {
    const { page } = mia;
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: 'Welcome to Demo Wiki' }).waitFor();
    expect(await page.getByTestId('id-token-email').innerText()).toBe(member.email);
    expect(await page.getByTestId('userinfo-email').innerText()).toBe(member.email);
  });

  step('a second visit signs her in without asking again', async () => {
    const { page } = mia;
    const urls = visited(page);
    await page.goto(`${wiki!.url}/`);
    await page.getByRole('heading', { name: 'Welcome to Demo Wiki' }).waitFor();
    expect(urls.filter((u) => u.includes('/authorize/'))).toEqual([]);
  });

  step('Demo Chat, which needs no consent, signs her in straight from its tile', async () => {
    const { page } = mia;
    await page.goto('/');
    const urls = visited(page);
    await page.getByRole('region', { name: 'Your apps' }).getByRole('link', { name: 'Demo Chat' }).click();
    await page.getByRole('heading', { name: 'Welcome to Demo Chat' }).waitFor();
    expect(await page.getByTestId('id-token-email').innerText()).toBe(member.email);
    expect(urls.filter((u) => u.includes('/authorize/'))).toEqual([]);
    expect(mia.pageErrors).toEqual([]);
  });

  step('Otto, in no group, has no tile and is refused: no code, and the app shows which administrator step would let him in', async () => {
    const otto = await openSession(browser!, foyer!);
    current = otto;
    const { page } = otto;
    await signInWithPassword(page, outsider);
    await page.getByText('No apps to open yet.', { exact: false }).waitFor();
    const before = wiki!.callbacks.length;
    page.on('request', (request) => {
      if (/\/oidc\/interaction\/[\w-]+$/.test(request.url())) refusedStep = request.url();
    });
    await page.goto(`${wiki!.url}/`);
    await page.getByRole('heading', { name: 'Demo Wiki could not sign you in' }).waitFor();
    const callback = wiki!.callbacks[before]!;
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.has('code')).toBe(false);
    await page.getByText('You do not have access to this app. An administrator can add you to one of the groups that opens it.').waitFor();
    await screenshots(page, 'apps-02-refused-at-app');
  });

  step('opening the refused sign-in step again, where Foyer has no app to send him back to, its page says the same in words', async () => {
    const { page } = current!;
    expect(refusedStep).toMatch(/\/oidc\/interaction\//);
    await page.goto(refusedStep);
    await page.getByRole('heading', { name: 'This sign-in to an app has ended' }).waitFor();
    await page.getByText('An administrator can add you to one of the groups that opens it.', { exact: false }).waitFor();
    await screenshots(page, 'apps-03-sign-in-ended');
  });

  step('a Demo Wiki launch link goes through Foyer, which refuses him itself and names the group an administrator can add him to', async () => {
    const { page } = current!;
    const before = wiki!.callbacks.length;
    await page.goto(`/apps/${registered.get('Demo Wiki')!.id}/open`);
    await page.getByRole('heading', { name: "You can't open Demo Wiki" }).waitFor();
    await page.getByText('Ask an administrator to add you to one of these groups: Staff.').waitFor();
    expect(wiki!.callbacks.length).toBe(before);
    await screenshots(page, 'apps-04-cannot-open');
  });

  step('Mia signs out of Demo Wiki only: the page asks, then says she is signed out of it, and her Foyer session stays', async () => {
    current = mia;
    const { page } = mia;
    await page.goto(`/oidc/session/end?client_id=${registered.get('Demo Wiki')!.clientId}`);
    await page.getByRole('heading', { name: 'Sign out of Demo Wiki?' }).waitFor();
    await screenshots(page, 'apps-05-sign-out');
    await page.getByRole('button', { name: 'Only sign out of Demo Wiki' }).click();
    await page.getByRole('heading', { name: 'You are signed out of Demo Wiki' }).waitFor();
    await screenshots(page, 'apps-06-signed-out');
    await page.goto('/');
    await page.getByRole('region', { name: 'Your apps' }).getByRole('link', { name: 'Demo Chat' }).waitFor();
  });

  step("Pia, with two-factor on, opens a login link in another tab while Demo Wiki waits: after her code she is back at the app's sign-in", async () => {
    const pia = { name: 'Pia Passcode', email: 'pia@example.com', username: 'pia', password: 'pia correct horse battery' };
    const { user } = await post('/api/v1/admin/users', { ...pia, groupIds: [staffId] });
    const session = await openSession(browser!, foyer!);
    current = session;
    const { page, context } = session;
    // Her authenticator app, set up from a session of her own that the browser then forgets.
    const asPia = { headers: { origin: foyer!.url } };
    expect((await context.request.post('/api/v1/auth/login', { ...asPia, data: { identifier: pia.email, password: pia.password } })).status()).toBe(200);
    const { secret } = await (await context.request.post('/api/v1/me/mfa/totp', asPia)).json();
    const confirmed = await context.request.post('/api/v1/me/mfa/totp/confirm', { ...asPia, data: { code: totpCodeAt(secret, new Date()) } });
    expect(confirmed.status()).toBe(200);
    await context.clearCookies();

    await page.goto(`${wiki!.url}/`);
    await page.waitForURL('**/login?next=**');
    const { url } = await post(`/api/v1/admin/users/${user.id}/login-link`, { send: false });
    const mail = await context.newPage();
    await mail.goto(url);
    await mail.getByRole('button', { name: 'Sign in' }).click();
    // The next time step: the code that turned the app on cannot be used again.
    await mail.getByLabel('Code from your authenticator app').fill(totpCodeAt(secret, new Date(Date.now() + 30_000)));
    await mail.getByRole('button', { name: 'Verify' }).click();
    await mail.getByRole('heading', { name: 'Sign in to Demo Wiki?' }).waitFor();
  });
});
