import { execFileSync } from 'node:child_process';
import { findOnPath } from '../src/find-on-path.js';

const NEEDED: [command: string, debianPackage: string][] = [
  ['zimwriterfs', 'zim-tools'],
  ['kiwix-serve', 'kiwix-tools'],
  ['wrk', 'wrk'],
  // GNU time, not the shell's keyword: found as a program on PATH.
  ['time', 'time'],
  ['dpkg-deb', 'dpkg'],
  // bench:compression measures zstd designs with Debian's own zstd.
  ['zstd', 'zstd'],
];

export { findOnPath };

function present(command: string): boolean {
  return findOnPath(command) !== undefined;
}

/** Installs the anchor (Kiwix) and the load tools from Debian when they are missing. */
export function ensureTools(log: (line: string) => void): void {
  const missing = NEEDED.filter(([command]) => !present(command)).map(([, name]) => name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.join(', ')}: run "sudo apt-get install ${missing.join(' ')}" and try again`);
  }
  log(`installing ${missing.join(', ')} from Debian`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

export function toolVersions(): Record<string, string> {
  const version = (pkg: string) => {
    try {
      return execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
    } catch {
      return 'unknown';
    }
  };
  return {
    'zim-tools': version('zim-tools'),
    'kiwix-tools': version('kiwix-tools'),
    wrk: version('wrk'),
    node: process.version,
  };
}
