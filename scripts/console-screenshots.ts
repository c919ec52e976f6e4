/**
 * Writes the screenshots of docs/console.md: every console page at 1280 px in light, and the main ones at 390 px in
 * dark, as docs/screenshots/<page>.png. It starts a real Foyer the way the e2e tests do (a private PGlite database,
 * the built console: run `npm run build:web` first) and seeds a few people, groups, apps and invitations through the
 * API, so each page shows what it is for rather than an empty list.
 *
 *   npm run screenshots                        # docs/screenshots/
 *   npm run screenshots -- --out /tmp/shots    # elsewhere, to look before committing
 *   npm run screenshots -- --phone-all         # every page at 390 px too, in light and dark (to check phone layouts)
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, repoRoot, startFoyer, type Foyer } from '../e2e/harness.js';

// A long page is cut here: the top of a page is what the documentation shows, and the files stay small.
const MAX_HEIGHT = 1400;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const PHONE_DARK_PAGES = ['home', 'users', 'consent'];

type Scheme = 'light' | 'dark';
/** A page to photograph; `signedOut` pages are opened without the administrator's session. */
type Shot = { name: string; path: string; signedOut?: boolean };

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, 'phone-all': { type: 'boolean', default: false } },
});
const outDir = resolve(args.out ?? join(repoRoot, 'docs', 'screenshots'));

/** Opens `path` and waits until its heading is shown and nothing is loading any more. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByRole('heading').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('.mantine-Loader-root').first().waitFor({ state: 'detached' }).catch(() => undefined);
  // Transitions (notifications, skeletons fading) settle before the picture.
  await page.waitForTimeout(300);
}

/** Saves the page, at most MAX_HEIGHT tall, and says when it is wider than the screen (a phone layout bug). */
async function shoot(page: Page, file: string): Promise<void> {
  const { width, height } = page.viewportSize()!;
  const size = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
  if (size.w > width) console.warn(`${file}: ${size.w} px wide on a ${width} px screen`);
  await page.screenshot({ path: join(outDir, file), fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(Math.max(size.h, height), MAX_HEIGHT) } });
  console.log(`wrote ${file}`);
}

type Post = (path: string, data: unknown) => Promise<Record<string, unknown>>;

function poster(context: BrowserContext, foyer: Foyer): Post {
  return async (path, data) => {
    const res = await context.request.post(path, { data, headers: { origin: foyer.url } });
    if (res.status() >= 300) throw new Error(`POST ${path} answered ${res.status()}: ${await res.text()}`);
    return res.status() === 204 ? {} : ((await res.json()) as Record<string, unknown>);
  };
}

const idOf = (body: Record<string, unknown>, key?: string): string => {
  // Some replies wrap the created thing (`{user}`), some are the thing itself.
  const inner = ((key && body[key]) || body) as { id?: string };
  if (!inner?.id) throw new Error(`no id in ${JSON.stringify(body)}`);
  return inner.id;
};

/** Signs the administrator in on `context` and fills the instance; returns the pages that need the new ids. */
async function seed(context: BrowserContext, foyer: Foyer): Promise<{ shots: Shot[]; consentQuery: string }> {
  const post = poster(context, foyer);
  await post('/api/v1/auth/login', { identifier: foyer.admin.email, password: foyer.admin.password });

  const engineering = idOf(await post('/api/v1/admin/groups', { name: 'Engineering', description: 'Everyone who builds and runs the product.' }));
  await post('/api/v1/admin/groups', { name: 'Front desk', description: 'Reception and visitor services.' });
  await post('/api/v1/admin/roles', { name: 'Support', description: 'Looks people up to help them.', permissions: ['users.read'] });

  const people = [
    { name: 'Grace Hopper', email: 'grace@example.com', username: 'grace', groupIds: [engineering] },
    { name: 'Linus Lambert', email: 'linus@example.com', username: 'linus', groupIds: [engineering] },
    { name: 'Margaret Hamilton', email: 'margaret@example.com', username: 'margaret', groupIds: [engineering] },
    { name: 'Olga Ops', email: 'olga@example.com', username: 'olga', groupIds: [] },
    { name: 'Pat Parted', email: 'pat@example.com', username: 'pat', groupIds: [] },
  ];
  const ids: string[] = [];
  for (const person of people) {
    ids.push(idOf(await post('/api/v1/admin/users', { ...person, password: `${person.username} correct horse battery` }), 'user'));
  }
  await post(`/api/v1/admin/users/${ids[4]}/disable`, {});
  await post('/api/v1/admin/invitations', { name: 'Ivan Invitee', email: 'ivan@example.com', groupIds: [engineering] });

  const wiki = (await post('/api/v1/admin/apps', {
    name: 'Wiki',
    type: 'confidential',
    redirectUris: ['http://127.0.0.1:9/callback'],
    launchUrl: 'https://wiki.example.com/',
    access: { everyone: true, groupIds: [] },
  })) as { app: { id: string; clientId: string } };
  await post('/api/v1/admin/apps', {
    name: 'Grafana',
    type: 'public',
    redirectUris: ['http://127.0.0.1:9/grafana'],
    launchUrl: 'https://grafana.example.com/',
    access: { everyone: false, groupIds: [engineering] },
  });

  const link = (await post('/api/v1/admin/signup-links', { expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), maxUses: 10 })) as { url: string };
  const verified = idOf(await post('/api/v1/admin/verified-invitations', { name: 'Vera Verified', email: 'vera@example.com' }), 'invitation');
  await post('/api/v1/admin/api-tokens', { name: 'ci', expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString() });
  // Access requests are closed on a fresh instance; opening them also shows the form and the sign-in page's link.
  const patched = await context.request.patch('/api/v1/admin/settings', {
    data: { registration: { accessRequestsEnabled: true } },
    headers: { origin: foyer.url },
  });
  if (!patched.ok()) throw new Error(`PATCH /api/v1/admin/settings answered ${patched.status()}: ${await patched.text()}`);
  for (const request of [
    { email: 'ravi@example.com', name: 'Ravi Request', message: 'I run the front desk.' },
    { email: 'sam@example.com', name: 'Sam Seeker', message: 'New in accounting from Monday.' },
  ]) {
    // Asked by a visitor, not the signed-in administrator, so the audit log says who asked.
    const res = await fetch(new URL('/api/v1/access-requests', foyer.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: foyer.url },
      body: JSON.stringify(request),
    });
    if (!res.ok) throw new Error(`POST /api/v1/access-requests answered ${res.status}: ${await res.text()}`);
  }

  const join = new URL(link.url);
  const consent = new URLSearchParams({
    client_id: wiki.app.clientId,
    redirect_uri: 'http://127.0.0.1:9/callback',
    response_type: 'code',
    scope: 'openid profile email',
    state: 'screenshots',
  });
  return {
    consentQuery: consent.toString(),
    shots: [
      { name: 'user-detail', path: `/admin/users/${ids[0]}` },
      { name: 'group-detail', path: `/admin/groups/${engineering}` },
      { name: 'app-detail', path: `/admin/apps/${wiki.app.id}` },
      { name: 'verified-invitation', path: `/admin/verified-invitations/${verified}` },
      { name: 'join', path: join.pathname + join.search, signedOut: true },
    ],
  };
}

/** Starts an app sign-in on `page` so the consent page waits for an answer; returns its path (one per session). */
async function consentPath(page: Page, query: string): Promise<string> {
  await page.goto(`/oidc/auth?${query}`);
  await page.getByRole('button', { name: 'Allow' }).waitFor();
  return new URL(page.url()).pathname;
}

const PAGES: Shot[] = [
  { name: 'home', path: '/' },
  { name: 'account', path: '/account' },
  { name: 'admin', path: '/admin' },
  { name: 'users', path: '/admin/users' },
  { name: 'users-import', path: '/admin/users/import' },
  { name: 'roles', path: '/admin/roles' },
  { name: 'groups', path: '/admin/groups' },
  { name: 'access-requests', path: '/admin/access-requests' },
  { name: 'signup-links', path: '/admin/signup-links' },
  { name: 'verified-invitations', path: '/admin/verified-invitations' },
  { name: 'apps', path: '/admin/apps' },
  { name: 'mail', path: '/admin/mail' },
  { name: 'audit', path: '/admin/audit' },
  { name: 'api-tokens', path: '/admin/api-tokens' },
  { name: 'settings-email', path: '/admin/settings/email' },
  { name: 'settings-authentication', path: '/admin/settings/authentication' },
  { name: 'settings-sso', path: '/admin/settings/sso' },
  { name: 'not-found', path: '/no-such-page' },
  { name: 'sign-in', path: '/login', signedOut: true },
  { name: 'request-access', path: '/signup', signedOut: true },
  { name: 'forgot-password', path: '/forgot-password', signedOut: true },
];

/** Photographs `shots` in one browser context of the given size and scheme; `suffix` names the files. */
async function shootAll(
  browser: Browser,
  foyer: Foyer,
  admin: BrowserContext,
  shots: Shot[],
  consentQuery: string,
  viewport: { width: number; height: number },
  scheme: Scheme,
  suffix: string,
): Promise<void> {
  const signedIn = await browser.newContext({ baseURL: foyer.url, viewport, colorScheme: scheme });
  const signedOut = await browser.newContext({ baseURL: foyer.url, viewport, colorScheme: scheme });
  try {
    await signedIn.addCookies(await admin.cookies());
    const page = await signedIn.newPage();
    const visitor = await signedOut.newPage();
    for (const shot of shots) {
      const on = shot.signedOut ? visitor : page;
      if (shot.name === 'consent') await consentPath(on, consentQuery);
      else await open(on, shot.path);
      await shoot(on, `${shot.name}${suffix}.png`);
    }
  } finally {
    await signedIn.close();
    await signedOut.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const foyer = await startFoyer();
  const browser = await launchBrowser();
  try {
    const admin = await browser.newContext({ baseURL: foyer.url, viewport: DESKTOP });
    const seeded = await seed(admin, foyer);
    const shots = [...PAGES, ...seeded.shots, { name: 'consent', path: '' }];
    await shootAll(browser, foyer, admin, shots, seeded.consentQuery, DESKTOP, 'light', '');
    const phoneShots = args['phone-all'] ? shots : shots.filter((shot) => PHONE_DARK_PAGES.includes(shot.name));
    await shootAll(browser, foyer, admin, phoneShots, seeded.consentQuery, PHONE, 'dark', '-390-dark');
    if (args['phone-all']) await shootAll(browser, foyer, admin, shots, seeded.consentQuery, PHONE, 'light', '-390-light');
  } finally {
    await browser.close().catch(() => undefined);
    await foyer.stop();
  }
}

await main();
