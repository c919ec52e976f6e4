import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let ticks: number | undefined;
const clockTicks = () => (ticks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()));

/** CPU seconds (user and system) a process or thread has used so far, read from its /proc stat file. */
export function cpuSecondsOf(statFile: string): { parentPid: number; seconds: number } {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // utime and stime are fields 14 and 15; counting starts after the command name, which is in parentheses and
    // may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parentPid: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / clockTicks() };
  } catch {
    // The process or thread ended between listing and reading: it uses nothing more.
    return { parentPid: 0, seconds: 0 };
  }
}

export interface Running {
  process: ChildProcess;
  url: string;
  /** Milliseconds from spawn until the readiness URL answered 200. */
  startMs: number;
  rssMb(): number;
  /** CPU time (user and system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
// Whatever way the benchmark ends, interrupted included, the servers it started end with it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts a server process and waits until `readyPath` answers 200. */
export async function startProcess(args: string[], env: Record<string, string>, port: number, readyPath: string): Promise<Running> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited:\n${output}`);
    if (performance.now() - started > 60_000) throw new Error(`${args.join(' ')} not ready after 60 s:\n${output}`);
    const ok = await fetch(url + readyPath).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const startMs = performance.now() - started;
  return {
    process: child,
    url,
    startMs,
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    cpuSeconds: () => cpuSecondsOf(`/proc/${child.pid}/stat`).seconds,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/**
 * Waits until `running` stops using the CPU (at most 30 s). A load run that ends leaves requests in flight, such as
 * a hundred argon2 verifications, which would otherwise eat into the next measurement.
 */
export async function settle(running: Running): Promise<void> {
  const until = performance.now() + 30_000;
  for (let last = running.cpuSeconds(); performance.now() < until; ) {
    await new Promise((r) => setTimeout(r, 250));
    const now = running.cpuSeconds();
    if (now - last < 0.025) return;
    last = now;
  }
}
