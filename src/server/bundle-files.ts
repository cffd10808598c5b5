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
  const stats = await Promise.all(files.map((path) => stat(path)));
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
