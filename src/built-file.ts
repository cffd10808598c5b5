import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FerryError } from './errors.js';

/**
 * A file `npm run build` makes, by its path under dist/ (a worker script, the standalone reader).
 * The package runs from dist/src; the tests run the TypeScript in src/, beside which dist/ is.
 */
export function builtFile(distPath: string, what: string): string {
  const here = fileURLToPath(import.meta.url);
  const root = here.endsWith('.ts') ? join(dirname(here), '..', 'dist') : join(dirname(here), '..');
  const path = join(root, distPath);
  if (!existsSync(path)) throw new FerryError('INPUT_MISSING', `${what} ${path} is missing: run npm run build.`);
  return path;
}
