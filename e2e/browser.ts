/**
 * Chromium for the e2e flows and the screenshot script: Debian's package (or CHROMIUM_PATH) through playwright-core.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium of its own, closed by its caller: for scripts. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

let shared: Promise<Browser> | undefined;

/**
 * The test worker's Chromium, for one test file: launched by the first file that asks and kept for the next ones
 * (the worker runs its files one after another, `isolate: false`), as launching and closing one per file cost about
 * a second each time. Files stay apart as they always were: each gets its own contexts (cookies, storage, virtual
 * authenticators), and `close()` closes exactly those, leaving the browser to the next file. Playwright ends the
 * browser with the worker. A browser that crashed or was disconnected is launched again.
 */
export async function browserForFile(): Promise<Browser> {
  let browser = await (shared ??= launchBrowser());
  if (!browser.isConnected()) browser = await (shared = launchBrowser());
  const contexts = new Set<BrowserContext>();
  const own = <T extends BrowserContext | Page>(made: T): T => {
    contexts.add('goto' in made ? (made as Page).context() : (made as BrowserContext));
    return made;
  };
  const lease: Partial<Browser> = {
    newContext: async (...args) => own(await browser.newContext(...args)),
    newPage: async (...args) => own(await browser.newPage(...args)),
    contexts: () => [...contexts],
    close: async () => {
      await Promise.all([...contexts].map((context) => context.close().catch(() => undefined)));
      contexts.clear();
    },
  };
  return new Proxy(browser, {
    get: (target, property) => {
      if (property in lease) return lease[property as keyof Browser];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Chromium's DevTools virtual authenticator stands in for Touch ID or a security key: it holds discoverable
 * credentials and reports user verification, like a real platform authenticator.
 */
export async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}
