import { statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { baseOfPart, findParts } from '../bundle/parts.js';

/** The bundles in a folder: .ferry files, and split bundles by their first part when whole ones are absent. */
export function bundleFileNames(names: string[]): string[] {
  const whole = new Set(names.filter((name) => name.endsWith('.ferry')));
  const split = names
    .filter((name) => name.endsWith('.ferry.part001'))
    .filter((name) => !whole.has(name.slice(0, -'.part001'.length)));
  return [...whole, ...split].sort();
}

export interface FileStamp {
  /** Size, time and inode of the file (or of every part): a change means it was replaced. */
  stamp: string;
  /** Size of the file, or of all its parts. */
  bytes: number;
}

export async function stampOf(file: string): Promise<FileStamp> {
  const files = baseOfPart(file) === undefined ? [file] : await findParts(file);
  return stampFrom(await Promise.all(files.map((path) => stat(path))));
}

/**
 * The same, looked up at once: a library of a thousand files starts in a quarter of the time of
 * a thousand promises (2.4 ms against 9 for the lookups alone, and less garbage to collect).
 */
export async function stampNow(file: string): Promise<FileStamp> {
  if (baseOfPart(file) !== undefined) return stampOf(file);
  return stampFrom([statSync(file)]);
}

function stampFrom(stats: Stats[]): FileStamp {
  return {
    stamp: stats.map((each) => `${each.size}:${each.mtimeMs}:${each.ino}`).join('/'),
    bytes: stats.reduce((sum, each) => sum + each.size, 0),
  };
}

/** EMFILE or ENFILE, whether thrown as is or wrapped in ferry's error. */
export function isOutOfHandles(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'EMFILE' || code === 'ENFILE') return true;
  }
  return false;
}
