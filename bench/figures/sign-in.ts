import { execFileSync } from 'node:child_process';
import { cookieFrom, jsonHeaders, signInAdmin, type Foyer } from '../lib/foyer.js';
import { cpuMeter } from '../lib/cpu.js';
import { load, type LoadResult } from '../lib/load.js';
import { SECONDS, measures } from '../lib/options.js';
import type { Cluster } from '../lib/postgres.js';
import { freePort, repoRoot, settle, startProcess } from '../lib/processes.js';
import { describe, fmt, fmtRatio, ratioOf, record } from '../lib/report.js';

const CONCURRENT_SIGN_INS = 100;
const PASSWORD = 'correct horse battery';

function argon2Reference(concurrency: number): number {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/lib/argon2-reference.ts', String(concurrency), String(SECONDS)], { cwd: repoRoot });
  return Number(out.toString().trim());
}

/** People who sign in during the run, created through the API with the same password. */
async function createPeople(foyer: Foyer, count: number): Promise<string[]> {
  const cookie = await signInAdmin(foyer);
  const emails = Array.from({ length: count }, (_, i) => `signer.${i}@example.com`);
  for (let start = 0; start < count; start += 10) {
    await Promise.all(
      emails.slice(start, start + 10).map(async (email, j) => {
        const i = start + j;
        const response = await fetch(`${foyer.url}/api/v1/admin/users`, {
          method: 'POST',
          headers: jsonHeaders(foyer, cookie),
          body: JSON.stringify({ name: `Signer ${i}`, email, username: `signer.${i}`, password: PASSWORD }),
        });
        if (!response.ok) throw new Error(`creating ${email} failed: ${response.status} ${await response.text()}`);
      }),
    );
  }
  return emails;
}

/**
 * 100 different people signing in at once from 100 addresses, as at the start of a working day. One person
 * hammering their own account from one address would instead measure the brute-force brakes, which are meant to
 * refuse exactly that.
 */
async function passwordSignIns(foyer: Foyer, cluster: Cluster): Promise<{ result: LoadResult; cpu: string }> {
  const bodies = (await createPeople(foyer, CONCURRENT_SIGN_INS)).map((identifier) => JSON.stringify({ identifier, password: PASSWORD }));
  await cookieFrom(await fetch(`${foyer.url}/api/v1/auth/login`, { method: 'POST', headers: jsonHeaders(foyer), body: bodies[0] }));
  let next = 0;
  const cpu = cpuMeter(foyer, cluster);
  const result = await load({
    server: foyer,
    onMeasure: cpu.restart,
    url: `${foyer.url}/api/v1/auth/login`,
    connections: CONCURRENT_SIGN_INS,
    seconds: SECONDS,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/login',
        setupRequest: (request) => {
          // Round robin: with as many people as connections, nobody has more than about one sign-in in flight.
          const n = next++;
          const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
          return { ...request, headers: { ...jsonHeaders(foyer), 'x-forwarded-for': address }, body: bodies[n % bodies.length] };
        },
      },
    ],
  });
  return { result, cpu: cpu.describePer('sign-in', result.ok) };
}

/**
 * Figures 8 (start-up and memory), 1 (password sign-in against argon2 itself), 3 (session check against a bare
 * Fastify) and 4 (both against Better Auth on the same PostgreSQL), on the Foyer `foyer` the run started.
 */
export async function measureSignIn(foyer: Foyer, cluster: Cluster): Promise<void> {
  if (measures(8)) {
    record({ figure: '8a. Start to /readyz 200 (PostgreSQL)', foyer: `${fmt(foyer.startMs)} ms`, reference: '—', ratio: '—', goal: '≤ 2,000 ms', met: foyer.startMs <= 2000 });
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = foyer.rssMb();
    record({ figure: '8b. Idle RSS', foyer: `${fmt(idleRss)} MB`, reference: '—', ratio: '—', goal: '≤ 150 MB', met: idleRss <= 150 });
  }
  if (!measures(1) && !measures(3) && !measures(4) && !measures(8)) return;

  const { result: foyerLogin, cpu: loginCpu } = await passwordSignIns(foyer, cluster);
  const loginRss = foyer.rssMb();
  await settle(foyer);
  if (measures(1)) {
    const argon = argon2Reference(CONCURRENT_SIGN_INS);
    const ratio = ratioOf(foyerLogin.rps, argon);
    record({ figure: `1. Password sign-in/s, ${CONCURRENT_SIGN_INS} concurrent`, foyer: `${describe(foyerLogin)}; ${loginCpu}`, reference: `argon2id verify ${fmt(argon)}/s`, ratio: fmtRatio(ratio), goal: '≥ 0.9', met: ratio >= 0.9 });
  }

  const meCpuMeter = cpuMeter(foyer, cluster);
  const me = await load({
    url: `${foyer.url}/api/v1/me`,
    headers: { cookie: await signInAdmin(foyer) },
    connections: 10,
    seconds: SECONDS,
    onMeasure: meCpuMeter.restart,
  });
  const meCpu = meCpuMeter.describePer('request', me.ok);
  const underLoadRss = Math.max(loginRss, foyer.rssMb());
  if (measures(8)) record({ figure: '8c. RSS under load', foyer: `${fmt(underLoadRss)} MB`, reference: '—', ratio: '—', goal: 'reported', met: null });
  if (measures(3)) {
    const helloPort = await freePort();
    const hello = await startProcess(['--import', 'tsx', 'bench/servers/hello.ts'], { PORT: String(helloPort) }, helloPort, '/');
    const selectPort = await freePort();
    const oneSelect = await startProcess(
      ['--import', 'tsx', 'bench/servers/one-select.ts'],
      { PORT: String(selectPort), DATABASE_URL: await cluster.createDatabase('one_select_bench') },
      selectPort,
      '/ready',
    );
    try {
      const helloLoad = await load({ url: `${hello.url}/`, connections: 10, seconds: SECONDS });
      const selectLoad = await load({ url: `${oneSelect.url}/`, connections: 10, seconds: SECONDS });
      // The ceiling is a route that reads one row: a session check must read the database too (issue 19).
      const ratio = ratioOf(me.rps, selectLoad.rps);
      record({
        figure: '3. GET /api/v1/me (session checked), 10 concurrent',
        foyer: `${describe(me)}; ${meCpu}`,
        reference: `one prepared select ${describe(selectLoad)}; hello world ${describe(helloLoad)} (${fmtRatio(ratioOf(me.rps, helloLoad.rps))})`,
        ratio: fmtRatio(ratio),
        goal: '≥ 0.8 of one select, p99 < 5 ms',
        met: ratio >= 0.8 && me.p99 < 5,
      });
    } finally {
      await hello.stop();
      await oneSelect.stop();
    }
  }

  if (measures(4)) {
    const baPort = await freePort();
    const ba = await startProcess(['--import', 'tsx', 'bench/servers/better-auth.ts'], { PORT: String(baPort), DATABASE_URL: await cluster.createDatabase('better_auth_bench') }, baPort, '/ready');
    try {
      const baHeaders = { 'content-type': 'application/json', origin: ba.url };
      const baUser = { email: 'bench@example.com', password: PASSWORD, name: 'Bench' };
      const signUp = await fetch(`${ba.url}/api/auth/sign-up/email`, { method: 'POST', headers: baHeaders, body: JSON.stringify(baUser) });
      if (!signUp.ok) throw new Error(`Better Auth sign-up failed: ${signUp.status} ${await signUp.text()}`);
      const baBody = JSON.stringify({ email: baUser.email, password: baUser.password });
      const baLogin = await load({ server: ba, url: `${ba.url}/api/auth/sign-in/email`, method: 'POST', headers: baHeaders, body: baBody, connections: CONCURRENT_SIGN_INS, seconds: SECONDS });
      await settle(ba);
      const baCookie = await cookieFrom(await fetch(`${ba.url}/api/auth/sign-in/email`, { method: 'POST', headers: baHeaders, body: baBody }));
      const baSession = await load({ url: `${ba.url}/api/auth/get-session`, headers: { cookie: baCookie }, connections: 10, seconds: SECONDS });
      const loginRatio = ratioOf(foyerLogin.rps, baLogin.rps);
      const sessionRatio = ratioOf(me.rps, baSession.rps);
      record({ figure: '4a. Sign-in vs Better Auth', foyer: describe(foyerLogin), reference: `Better Auth ${describe(baLogin)}`, ratio: fmtRatio(loginRatio), goal: '≥ 1', met: loginRatio >= 1 });
      record({ figure: '4b. Session check vs Better Auth', foyer: describe(me), reference: `Better Auth ${describe(baSession)}`, ratio: fmtRatio(sessionRatio), goal: '≥ 3', met: sessionRatio >= 3 });
    } finally {
      await ba.stop();
    }
  }
}
