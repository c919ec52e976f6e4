import { createHash, randomBytes } from 'node:crypto';
import { cpuMeter } from '../lib/cpu.js';
import { jsonHeaders, signInAdmin, type Foyer } from '../lib/foyer.js';
import type { Cluster } from '../lib/postgres.js';
import { QUICK, SECONDS } from '../lib/options.js';
import { settle } from '../lib/processes.js';
import { fmt, fmtRatio, notMeasured, ratioOf, record } from '../lib/report.js';

const CODE_FIGURE = '9a. OIDC authorization-code exchanges';
const REFRESH_FIGURE = '9b. OIDC refresh grants';
/** Keycloak's published sizing: 120 refresh-token or client-credential grants per second per vCPU. */
const KEYCLOAK_PER_VCPU = 120;
const GOAL_PER_CPU_SECOND = 4 * KEYCLOAK_PER_VCPU;
const CONCURRENCY = 10;
const REDIRECT = 'http://127.0.0.1:9/callback';
/** Codes live 60 s in Foyer: few enough that issuing them all and redeeming them fits well inside that. */
const CODES = QUICK ? 50 : 200;

const base64url = (b: Buffer) => b.toString('base64url');

/** Runs `work` on `CONCURRENCY` workers until it has been done `total` times (or, without a total, for `seconds`). */
async function inParallel(work: () => Promise<void>, { total, seconds }: { total?: number; seconds?: number }): Promise<number> {
  let started = 0;
  const until = seconds ? performance.now() + seconds * 1000 : Number.POSITIVE_INFINITY;
  const worker = async () => {
    while ((total === undefined || started < total) && performance.now() < until) {
      started += 1;
      await work();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - start) / 1000;
}

/**
 * A signed-in browser going through the authorization endpoint to the app's redirect URI: answers the code and
 * its PKCE verifier. Foyer's own redirects name its public origin; they are sent to the address it listens on.
 */
async function authorizationCode(foyer: Foyer, clientId: string, cookie: string): Promise<{ code: string; verifier: string }> {
  const verifier = base64url(randomBytes(32));
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid offline_access',
    prompt: 'consent',
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    state: base64url(randomBytes(8)),
    nonce: base64url(randomBytes(8)),
  });
  const jar = new Map(cookie.split('; ').map((pair) => pair.split('=', 2) as [string, string]));
  let url = new URL(`${foyer.origin}/oidc/auth?${query}`);
  for (let step = 0; step < 10; step += 1) {
    if (url.href.startsWith(REDIRECT)) {
      const code = url.searchParams.get('code');
      if (!code) throw new Error(`the app was answered without a code: ${url.search}`);
      return { code, verifier };
    }
    const target = url.origin === foyer.origin ? new URL(`${url.pathname}${url.search}`, foyer.url) : url;
    const response = await fetch(target, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`authorization stopped at ${url.pathname} with ${response.status}: ${(await response.text()).slice(0, 200)}`);
    url = new URL(location, url);
  }
  throw new Error('authorization: too many redirects');
}

type Tokens = { refresh_token?: string };

async function tokenRequest(foyer: Foyer, authorization: string, body: Record<string, string>): Promise<Response> {
  return fetch(`${foyer.url}/oidc/token`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
}

/**
 * Figure 9: an app's token endpoint, on PostgreSQL, 10 requests at once. Codes are issued first (unmeasured: that is
 * the browser's part) and then all redeemed with PKCE; refresh grants rotate one refresh token per worker for
 * SECONDS. Each is judged per CPU-second of the Foyer process against Keycloak's published sizing.
 */
export async function measureOidc(foyer: Foyer, cluster: Cluster): Promise<void> {
  const cookie = await signInAdmin(foyer);
  const registered = await fetch(`${foyer.url}/api/v1/admin/apps`, {
    method: 'POST',
    headers: jsonHeaders(foyer, cookie),
    body: JSON.stringify({ name: 'Bench app', type: 'confidential', redirectUris: [REDIRECT], requireConsent: false, access: { everyone: true, groupIds: [] } }),
  });
  if (registered.status === 404) return notMeasured(CODE_FIGURE, 'POST /api/v1/admin/apps is not served');
  if (registered.status !== 201) throw new Error(`registering the app answered ${registered.status}: ${await registered.text()}`);
  const { app, clientSecret } = (await registered.json()) as { app: { clientId: string }; clientSecret: string };
  const authorization = `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

  const codes: { code: string; verifier: string }[] = [];
  await inParallel(async () => void codes.push(await authorizationCode(foyer, app.clientId, cookie)), { total: CODES });
  await settle(foyer);

  const refreshTokens: string[] = [];
  const failures = { codes: 0, refreshes: 0 };
  const split = cpuMeter(foyer, cluster);
  let cpuBefore = foyer.cpuSeconds();
  const codeSeconds = await inParallel(
    async () => {
      const { code, verifier } = codes.pop()!;
      const response = await tokenRequest(foyer, authorization, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT });
      const tokens = (await response.json()) as Tokens;
      if (response.status === 200 && tokens.refresh_token) refreshTokens.push(tokens.refresh_token);
      else failures.codes += 1;
    },
    { total: codes.length },
  );
  const exchanged = CODES - failures.codes;
  const codeCpu = foyer.cpuSeconds() - cpuBefore;
  const codeSplit = split.describePer('exchange', exchanged);
  recordGrant(CODE_FIGURE, exchanged, codeSeconds, codeCpu, failures.codes, codeSplit);

  if (refreshTokens.length < CONCURRENCY) throw new Error(`only ${refreshTokens.length} refresh tokens were issued`);
  await settle(foyer);
  let refreshed = 0;
  split.restart();
  cpuBefore = foyer.cpuSeconds();
  const refreshSeconds = await inParallel(
    async () => {
      const token = refreshTokens.pop()!;
      const response = await tokenRequest(foyer, authorization, { grant_type: 'refresh_token', refresh_token: token });
      const tokens = (await response.json()) as Tokens;
      if (response.status === 200 && tokens.refresh_token) {
        refreshed += 1;
        refreshTokens.push(tokens.refresh_token);
      } else {
        failures.refreshes += 1;
        refreshTokens.push(token);
      }
    },
    { seconds: SECONDS },
  );
  const refreshCpu = foyer.cpuSeconds() - cpuBefore;
  recordGrant(REFRESH_FIGURE, refreshed, refreshSeconds, refreshCpu, failures.refreshes, split.describePer('refresh', refreshed));
}

function recordGrant(figure: string, done: number, seconds: number, cpu: number, failed: number, split: string): void {
  const perCpuSecond = cpu > 0 ? done / cpu : 0;
  record({
    figure: `${figure}, ${CONCURRENCY} at once`,
    foyer: `${fmt(done / seconds)}/s = ${fmt(perCpuSecond)} per Foyer CPU-second${failed ? ` (${failed} refused)` : ''}; ${split}`,
    reference: `Keycloak's published ${KEYCLOAK_PER_VCPU} grants/s per vCPU`,
    ratio: fmtRatio(ratioOf(perCpuSecond, KEYCLOAK_PER_VCPU)),
    goal: `≥ ${fmt(GOAL_PER_CPU_SECOND)} per CPU-second (4 × Keycloak)`,
    met: perCpuSecond >= GOAL_PER_CPU_SECOND && failed === 0,
  });
}
