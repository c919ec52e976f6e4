import { measureCsvImport } from './figures/csv-import.js';
import { measureOidc } from './figures/oidc.js';
import { measurePasskeySignIn } from './figures/passkeys.js';
import { measureSignIn } from './figures/sign-in.js';
import { measureSignupLinkRace } from './figures/signup-link-race.js';
import { measureUsersList } from './figures/users-list.js';
import { startFoyer, stopMailSink } from './lib/foyer.js';
import { PG_PORT, measures } from './lib/options.js';
import { startCluster } from './lib/postgres.js';
import { record, writeReport } from './lib/report.js';

/**
 * A figure that breaks still gets its row, saying how, and the run goes on: one broken figure should not cost the
 * numbers of all the others.
 */
async function attempt(figure: string, measure: () => Promise<void>): Promise<void> {
  try {
    await measure();
  } catch (error) {
    console.error(error);
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200).replaceAll('|', '/');
    record({ figure, foyer: `failed: ${message}`, reference: '—', ratio: '—', goal: '—', met: false });
  }
}

/**
 * `npm run bench`: every figure of the benchmark issue, each measured against a reference taken in the same run on
 * this machine, printed as one table and written to bench/results/latest.md. Never part of `npm test`; see
 * lib/options.ts for the environment variables that shrink, select or profile a run.
 */
async function main() {
  const cluster = startCluster(PG_PORT);
  // pg_ctl detaches the server from this process group: an interrupted run must stop it itself.
  const abort = () => {
    cluster.stop();
    process.exit(130);
  };
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  let postgresVersion = 'unknown';
  try {
    postgresVersion = await cluster.serverVersion();
    if ([1, 2, 3, 4, 7, 8, 9].some(measures)) {
      // One Foyer serves the figures that do not need a database of their own.
      const foyer = await startFoyer('main', await cluster.createDatabase('foyer_bench'));
      try {
        await attempt('1, 3, 4, 8. Sign-in, session check, memory', () => measureSignIn(foyer, cluster));
        if (measures(2)) await attempt('2. Passkey sign-in/s', () => measurePasskeySignIn(foyer, cluster));
        if (measures(7)) await attempt('7. Single-use sign-up link race', () => measureSignupLinkRace(foyer));
        if (measures(9)) await attempt('9. OIDC token endpoint', () => measureOidc(foyer, cluster));
      } finally {
        await foyer.stop();
      }
    }
    if (measures(5)) await attempt('5. Admin users list', () => measureUsersList(cluster));
    if (measures(6)) await attempt('6. CSV import', () => measureCsvImport(cluster));
  } finally {
    await stopMailSink();
    cluster.stop();
  }
  writeReport(postgresVersion);
}

await main();
