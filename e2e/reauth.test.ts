import { describe, expect } from 'vitest';
import { browserFlow, screenshot, signInAsAdmin } from './harness.js';

describe('confirm it is you: the prompt offers only the ways the person has', () => {
  const flow = browserFlow('reauth');
  const { step } = flow;
  const NEW_PASSWORD = 'e2e a fresh and unusual passphrase';

  step('the administrator, who has a password and no passkey, signs in', async () => {
    const { page } = flow.session;
    await signInAsAdmin(page, flow.foyer);
    await page.goto('/account');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
  });

  step('changing the password after the ten minutes asks for the password only, and then goes through', async () => {
    const { page } = flow.session;
    // Stands in for the ten minutes passing: the first save answers as the server does for a flow.session that old.
    let answered = false;
    await page.route('**/api/v1/me/password', async (route) => {
      if (route.request().method() !== 'POST' || answered) return route.fallback();
      answered = true;
      await route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'reauthentication_required', message: 'Confirm it is you: sign in again to change your sign-in methods.' } }),
      });
    });
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByLabel('Current password', { exact: true }).fill(flow.foyer.admin.password);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save password' }).click();

    const prompt = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await prompt.getByLabel('Your password').waitFor();
    expect(await prompt.getByRole('button', { name: 'Use a passkey' }).count()).toBe(0);
    expect(await prompt.getByLabel('Code from your authenticator app').count()).toBe(0);
    await screenshot(page, 'reauth-01-password-only');

    await prompt.getByRole('button', { name: 'Confirm with password' }).click();
    await prompt.getByText('Enter your password.').waitFor();
    await prompt.getByLabel('Your password').fill('not the password at all');
    await prompt.getByRole('button', { name: 'Confirm with password' }).click();
    await prompt.getByText('The password is not correct.').waitFor();
    await prompt.getByLabel('Your password').fill(flow.foyer.admin.password);
    await prompt.getByRole('button', { name: 'Confirm with password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    expect(answered).toBe(true);
  });

  step('the server refuses an authenticator code from someone who has no authenticator app', async () => {
    const { context } = flow.session;
    const res = await context.request.post('/api/v1/me/reauthenticate', { data: { method: 'totp', code: '123456' }, headers: { origin: flow.foyer.url } });
    expect(res.status()).toBe(409);
    expect((await res.json()).error.code).toBe('reauthentication_method_unavailable');
    const offered = await context.request.get('/api/v1/me/reauthenticate');
    expect((await offered.json()).methods).toEqual(['password']);
  });
});
