import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserForFile, screenshot, startFoyer, type Foyer } from './harness.js';

// axe-core's browser bundle, evaluated through DevTools: the console's CSP (script-src 'self') rightly refuses an
// injected <script>, and the audit must run under the real policy to see the page as people do.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type Scheme = 'light' | 'dark';
type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] };

const person = { name: 'Olga Ops', email: 'olga@example.com', username: 'olga', password: 'olga correct horse battery' };

/** Audits the page as it is now; returns the serious and critical violations, one readable line per element. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> } }).axe
      .run(document, { resultTypes: ['violations'] })
      .then((result) => result.violations),
  )) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${v.help} at ${node.target.join(' ')}: ${node.failureSummary ?? ''}`));
}

/**
 * Waits until no CSS transition is running (menus opening, notifications, colours changing scheme): contrast is
 * measured on the final colours. Asking the page is exact, and quicker than a fixed pause after every change.
 */
async function settled(page: Page): Promise<void> {
  // Two frames first: what a resize or a scheme change sets off in React has rendered and started its transitions.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.waitForFunction(() => document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState !== 'running'));
}

/** Opens `path` and waits until its heading is shown and nothing is loading any more. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByRole('heading').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('.mantine-Loader-root').first().waitFor({ state: 'detached' }).catch(() => undefined);
  await settled(page);
}

/** A page to audit, the name its screenshots are saved under, and whether it is an address the console lacks. */
type Screen = { path: string; name: string; missing?: true };
const screen = (path: string, name = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'): Screen => ({ path, name });

/** Switches the page's system colour scheme and waits until the console follows it (it is set to follow the system). */
async function useScheme(page: Page, scheme: Scheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.waitForFunction((wanted) => document.documentElement.dataset.mantineColorScheme === wanted, scheme);
  await settled(page);
}

/**
 * Both databases serve the same pages, so the pictures come from the PGlite run alone: the PostgreSQL run would only
 * write the same files again.
 */
const takesPictures = !process.env.TEST_DATABASE_URL;
const picture = async (page: Page, name: string) => void (takesPictures && (await screenshot(page, name)));

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/**
 * Each screen opened once and checked in every way: serious axe violations in light and in dark at desktop width,
 * and no page wider than a 390 px phone; a screenshot of each as `test-results/a11y-<width>-<scheme>-<name>.png`.
 * Each page is opened once for all four views: page loads were the largest part of this file's time when each view
 * opened it.
 */
async function auditAll(page: Page, screens: Screen[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { path, name, missing } of screens) {
    await page.setViewportSize(DESKTOP);
    // Set before the page loads, so it first paints in light; useScheme waits for the console, which needs a page.
    await page.emulateMedia({ colorScheme: 'light' });
    await open(page, path);
    // Each page really exists (an address the router lacks would be audited as "Page not found" and pass).
    expect(await page.getByRole('heading', { name: 'Page not found' }).count(), path).toBe(missing ? 1 : 0);
    expect(await page.evaluate(() => document.documentElement.dataset.mantineColorScheme), path).toBe('light');
    for (const scheme of ['light', 'dark'] as const) {
      if (scheme === 'dark') await useScheme(page, scheme);
      problems.push(...(await seriousViolations(page)).map((line) => `${path} in ${scheme}: ${line}`));
      await picture(page, `a11y-1280-${scheme}-${name}`);
    }
    await page.setViewportSize(PHONE);
    await settled(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > PHONE.width) problems.push(`${path} is ${width} px wide at ${PHONE.width} px`);
    // The colour scheme changes no width; both pictures are for people to look at.
    await picture(page, `a11y-390-dark-${name}`);
    if (takesPictures) {
      await useScheme(page, 'light');
      await picture(page, `a11y-390-light-${name}`);
    }
  }
  return problems;
}

describe('accessibility: every console page has no serious axe violations in light and dark, and fits a phone', () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserContext;
  const publicPages: Screen[] = [
    screen('/login'),
    screen('/signup'),
    screen('/forgot-password'),
    screen('/setup?token=no-longer-valid', 'setup'),
  ];
  const adminPages: Screen[] = [
    '/',
    '/account',
    '/admin',
    '/admin/users',
    '/admin/users/import',
    '/admin/signup-links',
    '/admin/verified-invitations',
    '/admin/access-requests',
    '/admin/apps',
    '/admin/roles',
    '/admin/groups',
    '/admin/mail',
    '/admin/audit',
    '/admin/api-tokens',
    '/admin/settings/email',
    '/admin/settings/authentication',
    '/admin/settings/sso',
  ].map((path) => screen(path));
  adminPages.push({ ...screen('/admin/no-such-page', 'not-found'), missing: true });

  const newContext = (scheme: Scheme) => browser!.newContext({ baseURL: foyer!.url, viewport: DESKTOP, colorScheme: scheme });

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    admin = await newContext('light');
    admin.setDefaultTimeout(15_000);
    const post = async (path: string, data: unknown) => {
      const res = await admin.request.post(path, { data, headers: { origin: foyer!.url } });
      expect(res.status(), await res.text()).toBeLessThan(300);
      return res.json();
    };
    await post('/api/v1/auth/login', { identifier: foyer.admin.email, password: foyer.admin.password });
    const group = await post('/api/v1/admin/groups', { name: 'Operations' });
    const user = await post('/api/v1/admin/users', { ...person, groupIds: [group.id] });
    const app = await post('/api/v1/admin/apps', {
      name: 'Wiki',
      type: 'confidential',
      redirectUris: ['http://127.0.0.1:9/callback'],
      access: { everyone: true, groupIds: [] },
    });
    const link = await post('/api/v1/admin/signup-links', { expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await admin.request.post('/api/v1/access-requests', {
      data: { email: 'ravi@example.com', name: 'Ravi Request', message: 'I run the front desk.' },
      headers: { origin: foyer.url },
    });
    adminPages.push(
      screen(`/admin/users/${(user.user ?? user).id}`, 'user-detail'),
      screen(`/admin/groups/${group.id}`, 'group-detail'),
      screen(`/admin/apps/${app.app.id}`, 'app-detail'),
    );
    publicPages.push(screen(new URL(link.url).pathname + new URL(link.url).search, 'join'));

    // The consent page: the administrator is asked to allow Wiki and has not answered yet.
    const page = await admin.newPage();
    const auth = new URL('/oidc/auth', foyer.url);
    auth.search = new URLSearchParams({
      client_id: app.app.clientId,
      redirect_uri: 'http://127.0.0.1:9/callback',
      response_type: 'code',
      scope: 'openid profile',
      state: 'a11y',
    }).toString();
    await page.goto(auth.toString());
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    adminPages.push(screen(new URL(page.url()).pathname, 'consent'));
    await page.close();
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  test('public pages: no serious violations in light or dark, none wider than a phone', async () => {
    const context = await newContext('light');
    try {
      const problems = await auditAll(await context.newPage(), publicPages);
      expect(problems, problems.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('signed-in pages: no serious violations in light or dark, none wider than a phone', async () => {
    const page = await admin.newPage();
    const problems = await auditAll(page, adminPages);
    await page.close();
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('a dialog, a menu and a confirmation, in light and dark', async () => {
    const page = await admin.newPage();
    const problems: string[] = [];
    const audit = async (what: string) => {
      await settled(page);
      for (const scheme of ['light', 'dark'] as const) {
        await useScheme(page, scheme);
        problems.push(...(await seriousViolations(page)).map((line) => `${what} in ${scheme}: ${line}`));
        await picture(page, `a11y-1280-${scheme}-${what}`);
      }
      await useScheme(page, 'light');
    };
    await open(page, '/admin/users');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('dialog', { name: 'Add user' }).getByRole('button', { name: 'Close' }).waitFor();
    await audit('add-user-dialog');
    await page.getByRole('dialog', { name: 'Add user' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: `Actions for ${person.name}` }).click();
    await page.getByRole('menu').waitFor();
    await audit('user-actions-menu');
    await page.getByRole('menuitem', { name: 'Disable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).waitFor();
    await audit('confirm-dialog');
    await page.close();
    expect(problems, problems.join('\n')).toEqual([]);
  });

  test('the header toggle switches to dark, is remembered, and switches back', async () => {
    // A context of its own: the remembered choice must not leak into the pages audited in the system's scheme.
    const context = await newContext('light');
    try {
      await context.addCookies(await admin.cookies());
      const page = await context.newPage();
      await open(page, '/account');
      const scheme = () => page.evaluate(() => document.documentElement.dataset.mantineColorScheme);
      expect(await scheme()).toBe('light');
      await page.getByRole('button', { name: 'Use dark colours' }).click();
      expect(await scheme()).toBe('dark');
      await page.reload();
      await page.getByRole('button', { name: 'Use light colours' }).waitFor();
      expect(await scheme()).toBe('dark');
      const problems = await seriousViolations(page);
      expect(problems, problems.join('\n')).toEqual([]);
      await page.getByRole('button', { name: 'Use light colours' }).click();
      expect(await scheme()).toBe('light');
    } finally {
      await context.close();
    }
  });
});
