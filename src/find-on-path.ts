import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The full path of a command on PATH, or undefined when it is not installed. */
export function findOnPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(folder, name);
    if (folder !== '' && existsSync(path)) return path;
  }
  return undefined;
}
