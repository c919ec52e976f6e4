import type { Locator, Request } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Submits a form the browser should refuse by itself (the console validates with the server's own Zod fields) and
 * checks that the sentence appears on it while nothing was sent to the API.
 */
export async function expectRefusedInBrowser(form: Locator, submit: string, sentence: string): Promise<void> {
  const page = form.page();
  const sent: string[] = [];
  const onRequest = (request: Request) => {
    if (request.method() !== 'GET' && new URL(request.url()).pathname.startsWith('/api/')) sent.push(request.url());
  };
  page.on('request', onRequest);
  try {
    await form.getByRole('button', { name: submit, exact: true }).click();
    await form.getByText(sentence, { exact: true }).waitFor();
  } finally {
    page.off('request', onRequest);
  }
  expect(sent).toEqual([]);
}
