import { unlinkSync } from 'node:fs';

/** Temporary files of bundles being written, so an interrupted pack can remove them on its way out. */
const unfinished = new Set<string>();

export function trackTempFile(path: string): void {
  unfinished.add(path);
}

export function untrackTempFile(path: string): void {
  unfinished.delete(path);
}

/**
 * Removes every temporary file of a bundle still being written, synchronously, as the process is
 * about to exit (Ctrl-C): a pack of a large wiki would otherwise leave gigabytes behind.
 */
export function removeUnfinishedFiles(): void {
  for (const path of unfinished) {
    try {
      unlinkSync(path);
    } catch {
      // Not made yet, or already gone.
    }
  }
  unfinished.clear();
}
