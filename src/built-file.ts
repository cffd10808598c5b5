import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FerryError } from './errors.js';

/**
 * A file `npm run build` makes, by its path under dist/ (a worker script, the standalone reader).
 * This code runs from src/ (the tests, beside which dist/ is), from dist/src/ (tsc's output) or
 * from dist/cli/ or dist/cli/chunks/ (the CLI bundled in one file).
 */
export function builtFile(distPath: string, what: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const roots = [join(here, '..', 'dist'), join(here, '..'), join(here, '..', '..')];
  const found = roots.map((root) => join(root, distPath)).find((path) => existsSync(path));
  if (!found)
    throw new FerryError('INPUT_MISSING', `${what} ${join(roots[0]!, distPath)} is missing: run npm run build.`);
  return found;
}
