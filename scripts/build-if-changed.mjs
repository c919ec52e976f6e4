// `npm start` runs this first: it rebuilds the server (tsc) and the web console (Vite) only when their sources
// changed since the last build, so a restart with nothing changed starts in a couple of seconds. Each build leaves
// a stamp, the SHA-256 of its inputs, beside its output.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SHARED = ['package.json', 'package-lock.json'];

const targets = [
  { name: 'server', script: 'build:server', stamp: 'dist/.build-stamp', output: 'dist/src/main.js', inputs: ['src', 'tsconfig.json', 'tsconfig.build.json', ...SHARED] },
  { name: 'web console', script: 'build:web', stamp: 'web/dist/.build-stamp', output: 'web/dist/index.html', inputs: ['web', ...SHARED], skip: ['web/dist'] },
];

function files(path, skip) {
  const full = join(root, path);
  if (!existsSync(full) || skip.includes(path)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((entry) => files(join(path, entry), skip));
}

function fingerprint(target) {
  const hash = createHash('sha256');
  for (const file of target.inputs.flatMap((input) => files(input, target.skip ?? []))) {
    hash.update(relative(root, join(root, file))).update('\0').update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

for (const target of targets) {
  const wanted = fingerprint(target);
  const stampFile = join(root, target.stamp);
  const built = existsSync(stampFile) && existsSync(join(root, target.output)) ? readFileSync(stampFile, 'utf8').trim() : '';
  if (built === wanted) {
    console.log(`foyer: ${target.name} is up to date`);
    continue;
  }
  console.log(`foyer: building the ${target.name}`);
  execFileSync('npm', ['run', '--silent', target.script], { cwd: root, stdio: 'inherit' });
  writeFileSync(stampFile, `${wanted}\n`);
}
