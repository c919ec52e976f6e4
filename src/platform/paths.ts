import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, found the same way whether running from `src/` (tsx) or compiled `dist/src/`. */
function findAppRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Foyer cannot find its package.json');
    dir = parent;
  }
  return dir;
}

export const appRoot = findAppRoot();
export const migrationsFolder = join(appRoot, 'drizzle');
export const webDistFolder = join(appRoot, 'web', 'dist');
