import { readFileSync } from 'node:fs';

/** Used where the limit cannot be read (not Linux). */
const UNKNOWN_LIMIT = 1024;

/**
 * How many files this process may have open (the soft limit: `ulimit -n`, or LimitNOFILE in a
 * systemd unit), read from /proc: Node has no call for it.
 */
export function openFileLimit(limits = '/proc/self/limits'): number {
  try {
    const line = readFileSync(limits, 'utf8')
      .split('\n')
      .find((each) => each.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
    const limit = Number(soft);
    return Number.isInteger(limit) && limit > 0 ? limit : UNKNOWN_LIMIT;
  } catch {
    return UNKNOWN_LIMIT;
  }
}
