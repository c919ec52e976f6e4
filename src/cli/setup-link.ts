import type { BootstrapOutcome } from '../setup/service.js';
import { SETUP_LINK_TTL_MS } from '../setup/service.js';

const validFor = `${SETUP_LINK_TTL_MS / 3_600_000} hour${SETUP_LINK_TTL_MS === 3_600_000 ? '' : 's'}`;

/**
 * The setup link as a short block of its own on standard output, where a person starting Foyer for the first time
 * sees it, instead of inside a log line. It is not logged: logs are often shipped to places many people can read.
 */
export function setupLinkBlock(url: string): string {
  return [
    '',
    '  Foyer has no administrator yet. Open this link to create the first one:',
    '',
    `    ${url}`,
    '',
    `  It works once and expires in ${validFor}. For a new one, run: npm run foyer -- setup-link`,
    '  (in the container image: foyer setup-link)',
    '',
    '',
  ].join('\n');
}

/** What a start or `foyer setup-link` tells the operator about the first administrator. */
export function describeBootstrap(outcome: BootstrapOutcome): string | null {
  if (outcome.kind === 'setup_link') return setupLinkBlock(outcome.url);
  if (outcome.kind === 'admin_created') return 'Created the first administrator from FOYER_BOOTSTRAP_ADMIN_EMAIL.\n';
  return null;
}
