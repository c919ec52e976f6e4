import { generateKeyPairSync, sign, verify } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { cpuMeter } from '../lib/cpu.js';
import { jsonHeaders, signInAdmin, type Foyer } from '../lib/foyer.js';
import { load } from '../lib/load.js';
import type { Cluster } from '../lib/postgres.js';
import { SECONDS } from '../lib/options.js';
import { settle } from '../lib/processes.js';
import { describe, fmt, fmtRatio, notMeasured, ratioOf, record } from '../lib/report.js';

const FIGURE = '2. Passkey sign-in/s, 100 concurrent';
/** Sign-ins per CPU-second of the Foyer process (issue 19). */
const GOAL_PER_CPU_SECOND = 1_000;
const CONNECTIONS = 100;

/** The physical limit: ES256 signature checks per second on one core, in this process. */
function es256VerifyPerSecond(): number {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.alloc(69, 1);
  const signature = sign('sha256', data, privateKey);
  const until = performance.now() + Math.min(SECONDS, 3) * 1000;
  const start = performance.now();
  let done = 0;
  while (performance.now() < until) {
    verify('sha256', data, publicKey, signature);
    done += 1;
  }
  return done / ((performance.now() - start) / 1000);
}

type RequestOptionsReply = { options: PublicKeyCredentialRequestOptionsJSON };

async function post(foyer: Foyer, path: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(`${foyer.url}${path}`, { method: 'POST', headers: jsonHeaders(foyer, cookie), body: JSON.stringify(body) });
}

/**
 * Figure 2: discoverable passkey sign-in (options, then verify) with assertions signed by the software
 * authenticator of the passkeys feature. Judged per core Foyer used: sign-ins per CPU-second of the Foyer process,
 * so the load generator and PostgreSQL sharing this machine do not count against it.
 */
export async function measurePasskeySignIn(foyer: Foyer, cluster: Cluster): Promise<void> {
  const module = await import('../../src/auth/passkeys/testing.js').catch(() => undefined);
  if (!module) return notMeasured(FIGURE, 'src/auth/passkeys/testing.ts (the software authenticator) is missing');
  const probe = await post(foyer, '/api/v1/auth/passkey/options', {});
  if (probe.status === 404) return notMeasured(FIGURE, 'POST /api/v1/auth/passkey/options is not served');

  const authenticator = module.createSoftwareAuthenticator({ origin: foyer.origin });
  const cookie = await signInAdmin(foyer);
  const creation = await post(foyer, '/api/v1/me/passkeys/options', {}, cookie);
  if (!creation.ok) throw new Error(`passkey registration options failed: ${creation.status} ${await creation.text()}`);
  const registration = authenticator.register(((await creation.json()) as { options: PublicKeyCredentialCreationOptionsJSON }).options);
  const registered = await post(foyer, '/api/v1/me/passkeys', { name: 'Bench', response: registration }, cookie);
  if (!registered.ok) throw new Error(`passkey registration failed: ${registered.status} ${await registered.text()}`);

  // Synced passkeys report a sign count of 0 on every use, so concurrent sign-ins with one key stay in order.
  const assertionFor = (options: PublicKeyCredentialRequestOptionsJSON): AuthenticationResponseJSON => authenticator.assert(options, { signCount: 0 });
  const once = await post(foyer, '/api/v1/auth/passkey/verify', { response: assertionFor(((await probe.json()) as RequestOptionsReply).options) });
  if (!once.ok || once.headers.getSetCookie().length === 0) throw new Error(`passkey sign-in failed: ${once.status} ${await once.text()}`);

  const reference = es256VerifyPerSecond();
  let signIns = 0;
  let cpuBefore = 0;
  const split = cpuMeter(foyer, cluster);
  const result = await load({
    server: foyer,
    url: `${foyer.url}/api/v1/auth/passkey/options`,
    headers: jsonHeaders(foyer),
    connections: CONNECTIONS,
    seconds: SECONDS,
    onMeasure: () => {
      signIns = 0;
      cpuBefore = foyer.cpuSeconds();
      split.restart();
    },
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/passkey/options',
        body: '{}',
        onResponse: (_status, body, context) => Object.assign(context, { options: body }),
      },
      {
        method: 'POST',
        path: '/api/v1/auth/passkey/verify',
        setupRequest: (request, context) => {
          const options = (context as { options?: string }).options;
          // Without options there is no challenge to sign: returning nothing starts the sign-in over.
          if (!options) return undefined as unknown as typeof request;
          return { ...request, body: JSON.stringify({ response: assertionFor((JSON.parse(options) as RequestOptionsReply).options) }) };
        },
        onResponse: (status) => {
          if (status === 200) signIns += 1;
        },
      },
    ],
  });
  const cpu = foyer.cpuSeconds() - cpuBefore;
  const splitPerSignIn = split.describePer('sign-in', signIns);
  await settle(foyer);
  const perSecond = signIns / result.seconds;
  const perCore = cpu > 0 ? signIns / cpu : 0;
  record({
    figure: FIGURE,
    foyer: `${fmt(perSecond)} sign-ins/s = ${fmt(perCore)} per Foyer CPU-second (${describe(result)} over both steps); ${splitPerSignIn}`,
    reference: `ES256 verify ${fmt(reference)}/s on one core`,
    ratio: fmtRatio(ratioOf(perCore, reference)),
    goal: `≥ ${fmt(GOAL_PER_CPU_SECOND)} per Foyer CPU-second`,
    met: perCore >= GOAL_PER_CPU_SECOND && result.non2xx === 0 && result.errors === 0,
  });
}
