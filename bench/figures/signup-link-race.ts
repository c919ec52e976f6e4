import { jsonHeaders, signInAdmin, type Foyer } from '../lib/foyer.js';
import { RACERS } from '../lib/options.js';
import { fmt, notMeasured, record } from '../lib/report.js';

const FIGURE = `7. ${RACERS} concurrent redemptions of a single-use sign-up link`;

/**
 * Figure 7: a sign-up link with one use left, redeemed by RACERS people at once. Exactly one account may come of
 * it; everyone else must be told the link is used up, and nobody may see a server error.
 */
export async function measureSignupLinkRace(foyer: Foyer): Promise<void> {
  const cookie = await signInAdmin(foyer);
  const created = await fetch(`${foyer.url}/api/v1/admin/signup-links`, {
    method: 'POST',
    headers: jsonHeaders(foyer, cookie),
    body: JSON.stringify({ expiresAt: new Date(Date.now() + 60 * 60_000).toISOString(), maxUses: 1 }),
  });
  if (created.status === 404) return notMeasured(FIGURE, 'POST /api/v1/admin/signup-links is not served');
  if (!created.ok) throw new Error(`creating the sign-up link failed: ${created.status} ${await created.text()}`);
  const { token } = (await created.json()) as { token: string };

  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: RACERS }, async (_, i) => {
      const response = await fetch(`${foyer.url}/api/v1/signup-links/${encodeURIComponent(token)}/redeem`, {
        method: 'POST',
        headers: jsonHeaders(foyer),
        body: JSON.stringify({ name: `Racer ${i}`, email: `racer.${i}@example.com`, username: `racer.${i}`, password: `racing pigeon ${i} goes fast` }),
      });
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
      return response.status === 201 ? 'created' : `${response.status} ${body.error?.code ?? ''}`.trim();
    }),
  );
  const ms = performance.now() - started;

  const tally = new Map<string, number>();
  for (const status of statuses) tally.set(status, (tally.get(status) ?? 0) + 1);
  const accounts = await fetch(`${foyer.url}/api/v1/admin/users?q=racer&limit=500`, { headers: { cookie } });
  const accountsCreated = accounts.ok ? ((await accounts.json()) as { items: unknown[] }).items.length : NaN;
  const exactlyOne = tally.get('created') === 1 && tally.get('410 signup_link_used_up') === RACERS - 1 && accountsCreated === 1;
  record({
    figure: FIGURE,
    foyer: `${fmt(ms)} ms for all; ${[...tally].map(([status, n]) => `${n} × ${status}`).join(', ')}; ${accountsCreated} account(s) exist`,
    reference: '—',
    ratio: '—',
    goal: `exactly 1 × created, ${RACERS - 1} × 410 signup_link_used_up`,
    met: exactlyOne,
  });
}
