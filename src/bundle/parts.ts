import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { FerryError } from '../errors.js';
import { changedError, FileByteSource, rangeStream, type ByteSource } from './byte-source.js';

/** `name.ferry.part001`, `part002`, …: byte slices of one bundle, for FAT32's 4 GiB file limit. */
const PART_SUFFIX = /\.part(\d{3,})$/;

export function partName(base: string, number: number): string {
  return `${base}.part${String(number).padStart(3, '0')}`;
}

/** The bundle's base name when `path` names a part, else undefined. */
export function baseOfPart(path: string): string | undefined {
  const match = PART_SUFFIX.exec(path);
  return match ? path.slice(0, match.index) : undefined;
}

/** Finds the parts of a split bundle, given its first part or its base name, in order. */
export async function findParts(path: string): Promise<string[]> {
  const base = baseOfPart(path) ?? path;
  const folder = dirname(base);
  const prefix = basename(base) + '.part';
  const names = (await readdir(folder).catch(() => [] as string[]))
    .filter((name) => name.startsWith(prefix) && PART_SUFFIX.test(name))
    .sort((a, b) => Number(PART_SUFFIX.exec(a)![1]) - Number(PART_SUFFIX.exec(b)![1]));
  names.forEach((name, i) => {
    if (Number(PART_SUFFIX.exec(name)![1]) !== i + 1) {
      throw new FerryError(
        'BUNDLE_CORRUPT',
        `${base}: part ${i + 1} is missing (found ${name} after it). Copy every part.`,
      );
    }
  });
  return names.map((name) => join(folder, name));
}

/** Reads a split bundle as one file: a read that crosses a part boundary is served from both. */
export class PartsByteSource implements ByteSource {
  private constructor(
    readonly label: string,
    private readonly parts: FileByteSource[],
    private readonly starts: number[],
    readonly size: number,
  ) {}

  static async open(paths: string[], label: string): Promise<PartsByteSource> {
    const parts: FileByteSource[] = [];
    try {
      for (const path of paths) parts.push(await FileByteSource.open(path));
    } catch (error) {
      await Promise.all(parts.map((part) => part.close()));
      throw error;
    }
    const starts: number[] = [];
    let size = 0;
    for (const part of parts) {
      starts.push(size);
      size += part.size;
    }
    return new PartsByteSource(label, parts, starts, size);
  }

  async changed(): Promise<boolean> {
    return (await Promise.all(this.parts.map((part) => part.changed()))).some(Boolean);
  }

  async read(position: number, length: number): Promise<Buffer> {
    try {
      return await this.readParts(position, length);
    } catch (error) {
      throw (await this.changed()) ? changedError(this.label) : error;
    }
  }

  private async readParts(position: number, length: number): Promise<Buffer> {
    if (position < 0 || length < 0 || position + length > this.size) {
      throw new FerryError(
        'BUNDLE_CORRUPT',
        `${this.label}: a read at ${position} goes past the end of the parts; a part is missing or truncated.`,
      );
    }
    const pieces: Buffer[] = [];
    let at = position;
    const end = position + length;
    while (at < end) {
      const index = this.partAt(at);
      const part = this.parts[index]!;
      const offset = at - this.starts[index]!;
      const take = Math.min(end - at, part.size - offset);
      pieces.push(await part.read(offset, take));
      at += take;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }

  private partAt(position: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.starts[middle]! <= position) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  createReadStream(start: number, end: number): Readable {
    return rangeStream(this, start, end, () => this.changed());
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((part) => part.close()));
  }
}

/**
 * Opens what a person names as a bundle: a .ferry file, its first part, or the base name of
 * its parts when only the parts are there.
 */
export async function openByteSource(path: string): Promise<ByteSource> {
  const base = baseOfPart(path);
  const whole = base === undefined ? await stat(path).catch(() => undefined) : undefined;
  if (base === undefined && whole) return FileByteSource.open(path);
  const parts = await findParts(path);
  if (parts.length === 0) return FileByteSource.open(path); // Reports the missing file clearly.
  return PartsByteSource.open(parts, base ?? path);
}
