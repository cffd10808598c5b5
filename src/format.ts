import { FerryError } from './errors.js';

/** Sizes for people: 1.2 MB, 547 KB, in powers of 1000 as disks and downloads are sold. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Parses sizes as people write them: 4095m, 700M, 2g, 1048576; `flag` names the option in errors. */
export function parseSize(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(text.trim());
  const size = match ? Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!) : NaN;
  if (!Number.isFinite(size) || size < 1) {
    throw new FerryError(
      'USAGE',
      `${flag} "${text}" is not a size. Use bytes or a number with k, m, g or t, such as 4095m.`,
    );
  }
  return size;
}
