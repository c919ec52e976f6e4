import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { flowSteps, browserForFile, openSession, screenshot, startFoyer, type BrowserSession, type Foyer } from './harness.js';

describe("homes: the administrator's setup checklist ticks as they set up; a person sees their groups and next step", () => {
  let foyer: Foyer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserSession;
  let person: BrowserSession;
  let current: BrowserSession | undefined;
  const step = flowSteps('homes', () => ({ page: current?.page, foyer }));
  const gwen = { name: 'Gwen Grouped', email: 'gwen@example.com', username: 'gwen', password: 'gwen correct horse battery' };

  beforeAll(async () => {
    foyer = await startFoyer();
    browser = await browserForFile();
    admin = await openSession(browser, foyer);
    person = await openSession(browser, foyer);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await foyer?.stop();
  });

  const post = (path: string, data: unknown) => admin.context.request.post(path, { data, headers: { origin: foyer!.url } });
  const checklistItem = (page: Page, label: string) => page.getByRole('region', { name: 'Setup checklist' }).getByRole('listitem').filter({ hasText: label });

  /** Both widths the console must work at. */
  async function screenshots(page: Page, name: string) {
    await screenshot(page, `${name}-1280`);
    await page.setViewportSize({ width: 390, height: 844 });
    // The navigation slides away on narrow screens; let it finish before the picture.
    await page.waitForTimeout(500);
    await screenshot(page, `${name}-390`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  async function signIn(session: BrowserSession, email: string, password: string) {
    await session.page.goto('/login');
    await session.page.getByLabel('Email or username').fill(email);
    await session.page.getByLabel('Password', { exact: true }).fill(password);
    await session.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await session.page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  }

  step('a new administrator opens Administration and sees every setup step still to do', async () => {
    current = admin;
    const { page } = admin;
    await signIn(admin, foyer!.admin.email, foyer!.admin.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    // Administration comes first among the administrator's pages.
    expect((await nav.getByRole('link').allInnerTexts()).slice(0, 3)).toEqual(['Home', 'My account', 'Administration']);
    await nav.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    for (const label of ['Configure mail delivery', 'Register the first app', 'Send the first invitation']) {
      await checklistItem(page, label).getByRole('link').waitFor();
      expect(await checklistItem(page, label).getByText('Done').count()).toBe(0);
    }
    await page.getByRole('region', { name: 'Setup checklist' }).getByText('0 of 5 done').waitFor();
    const waiting = page.getByRole('region', { name: 'Waiting for you' });
    await waiting.getByRole('link', { name: /Pending invitations\s*0/ }).waitFor();
    // Recent activity reads as sentences with names.
    await page.getByRole('region', { name: 'Recent activity' }).getByText('Ada Admin signed in', { exact: true }).first().waitFor();
    await screenshots(page, 'homes-01-admin-checklist');
    expect(admin.pageErrors).toEqual([]);
  });

  step('after sending an invitation from the Users page, its checklist item ticks and the count goes up', async () => {
    const { page } = admin;
    await checklistItem(page, 'Send the first invitation').getByRole('link', { name: 'Invite someone' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Invite user by email…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite user' });
    await dialog.getByLabel('Display name').fill('Ivy Invited');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('ivy@example.com');
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    await page.getByRole('region', { name: 'Pending invitations' }).getByText('ivy@example.com').waitFor();
    await page.goto('/admin');
    await checklistItem(page, 'Send the first invitation').getByText('Done').waitFor();
    expect(await checklistItem(page, 'Register the first app').getByText('Done').count()).toBe(0);
    await page.getByRole('region', { name: 'Setup checklist' }).getByText('1 of 5 done').waitFor();
    await page.getByRole('region', { name: 'Waiting for you' }).getByRole('link', { name: /Pending invitations\s*1/ }).waitFor();
    await page.getByRole('region', { name: 'Recent activity' }).getByText('Ada Admin invited Ivy Invited', { exact: true }).waitFor();
    await screenshots(page, 'homes-02-invitation-ticked');
    expect(admin.pageErrors).toEqual([]);
  });

  step('a person sees their groups, the role a group gives them, and their next security step', async () => {
    const roles = await (await admin.context.request.get('/api/v1/admin/roles')).json();
    const member = roles.items.find((r: { name: string }) => r.name === 'Member');
    const group = await post('/api/v1/admin/groups', { name: 'Engineering', description: '', roleIds: [member.id] });
    expect(group.status(), await group.text()).toBe(201);
    const created = await post('/api/v1/admin/users', { ...gwen, groupIds: [(await group.json()).id] });
    expect(created.status(), await created.text()).toBe(201);

    current = person;
    const { page } = person;
    await signIn(person, gwen.email, gwen.password);
    await page.getByText('Welcome, Gwen Grouped.').waitFor();
    const groups = page.getByRole('region', { name: 'Your groups and roles' });
    await groups.getByRole('listitem').filter({ hasText: 'Engineering' }).first().waitFor();
    await groups.getByText('Member — from group Engineering').waitFor();
    const security = page.getByRole('region', { name: 'Your security' });
    await security.getByRole('link', { name: 'Add a passkey' }).waitFor();
    // Someone without any administration permission is not offered the administrator's home.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await screenshots(page, 'homes-03-person-home');
    await security.getByRole('link', { name: 'Add a passkey' }).click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Passkeys' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(person.pageErrors).toEqual([]);
  });
});
