// `npm test` runs this before the tests: the type checks, the linters, the API client check and the console build.
// Each of them keeps one core busy at most, so they run two at a time (one per core of the machine CI runs on)
// instead of one after another, which took about half of the time before the first test. Each check's output is
// printed whole when it ends, so the lines of two checks never interleave; any failure fails the run, after the
// others have finished and said what they found.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHECKS = [
  // The slowest first (measured: 69, 51, 42, 15, 14 and 7 s on a busy 2-core machine), so the short ones fill in.
  ['types (server)', 'tsc --noEmit -p tsconfig.json'],
  ['types (console)', 'tsc -p web/tsconfig.json'],
  ['lint', 'eslint .'],
  ['console build', 'vite build --config web/vite.config.ts'],
  ['API client', 'tsx scripts/web-api.ts --check'],
  ['boundaries', 'depcruise src --config .dependency-cruiser.cjs'],
];

// The tools of this checkout, as `npm test` would find them, also when this script is run on its own.
const bin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, FORCE_COLOR: '1' };

function run([name, command]) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, env });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n── ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${seconds} s · ${command}\n`);
      process.stdout.write(Buffer.concat(output));
      resolve(code === 0);
    });
  });
}

const queue = [...CHECKS];
const workers = Array.from({ length: Math.min(2, availableParallelism()) }, async () => {
  const results = [];
  for (let check = queue.shift(); check; check = queue.shift()) results.push(await run(check));
  return results;
});
const passed = (await Promise.all(workers)).flat().every(Boolean);
process.exit(passed ? 0 : 1);
