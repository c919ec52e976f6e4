import { describe, expect } from 'vitest';
import { expectRefusedInBrowser } from './form-checks.js';
import { browserFlow, openSession, sameOriginPost, screenshot, signInAsAdmin, tableRow } from './harness.js';

describe('roles: the administrator creates a custom role in the matrix and gives it to someone', () => {
  const flow = browserFlow('roles');
  const { step } = flow;
  const sam = { name: 'Sam Support', email: 'sam@example.com', username: 'sam', password: 'sam correct horse battery' };

  const post = (path: string, data: unknown) => sameOriginPost(flow.session, flow.foyer)(path, data);

  step('the bootstrap administrator signs in and someone to promote exists', async () => {
    const { page } = flow.session;
    await signInAsAdmin(page, flow.foyer);
    const created = await post('/api/v1/admin/users', sam);
    expect(created.status(), await created.text()).toBe(201);
  });

  step('the Roles page lists the built-in roles', async () => {
    const { page } = flow.session;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/roles');
    const table = page.getByTestId('roles-table');
    expect(await tableRow(table, 'Admin')).toMatchObject({ Name: 'Admin', Type: 'Built-in' });
    expect(await tableRow(table, 'User manager')).toMatchObject({ Type: 'Built-in' });
    await screenshot(page, 'roles-01-list');
  });

  step('creating "Support" with two permissions ticked in the matrix', async () => {
    const { page } = flow.session;
    await page.getByRole('button', { name: 'New role' }).click();
    const dialog = page.getByRole('dialog', { name: 'New role' });
    await expectRefusedInBrowser(dialog, 'Create role', 'Give the role a name.');
    await dialog.getByLabel('Name').fill('Support');
    await dialog.getByLabel('Description').fill('Front-line support');
    await dialog.getByRole('checkbox', { name: 'See users and their details' }).check();
    await dialog.getByRole('checkbox', { name: 'See access requests', exact: true }).check();
    await expect.poll(() => dialog.getByText('2 selected').count()).toBe(1);
    await screenshot(page, 'roles-02-matrix');
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = await tableRow(page.getByTestId('roles-table'), 'Support');
    expect(row).toMatchObject({ Name: 'Support', Description: 'Front-line support', Type: 'Custom', Permissions: '2' });
    await screenshot(page, 'roles-03-created');
  });

  step('on the Users tab, Sam gets "Support" through the inline Role dropdown', async () => {
    const { page } = flow.session;
    await page.getByRole('navigation', { name: 'Users and roles' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const table = page.getByTestId('users-table');
    await table.getByRole('button', { name: new RegExp(`^Role of ${sam.name}`) }).click();
    await page.getByRole('menuitem', { name: 'Support', exact: true }).click();
    await table.getByRole('button', { name: `Role of ${sam.name}: Support` }).waitFor();
    expect(await tableRow(table, sam.email)).toMatchObject({ Role: 'Support' });
    await screenshot(page, 'roles-04-assigned');
  });

  step('Sam’s own GET /api/v1/me lists exactly the permissions of "Support"', async () => {
    const own = await openSession(flow.browser, flow.foyer);
    try {
      const login = await own.context.request.post('/api/v1/auth/login', {
        data: { identifier: sam.email, password: sam.password },
        headers: { origin: flow.foyer.url },
      });
      expect(login.status(), await login.text()).toBe(200);
      const me = await (await own.context.request.get('/api/v1/me')).json();
      expect(me.user.roles.map((r: { name: string }) => r.name)).toEqual(['Support']);
      expect(me.user.permissions).toEqual(['access_requests.read', 'users.read']);
    } finally {
      await own.context.close();
    }
    expect(flow.session.pageErrors.map(String)).toEqual([]);
  });
});
