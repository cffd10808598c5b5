import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The version in package.json, found from src/ (tests), dist/src/ and dist/cli/ (the built CLI) or its chunks. */
function findVersion(): string {
  for (const candidate of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const found = require(candidate) as { name?: string; version?: string };
      if (found.name === 'ferry' && found.version) return found.version;
    } catch {
      // Try the next location.
    }
  }
  return '0.0.0';
}

export const VERSION = findVersion();
