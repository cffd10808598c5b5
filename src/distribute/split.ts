import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Bundle } from '../bundle/reader.js';
import { findParts, partName } from '../bundle/parts.js';
import { FerryError } from '../errors.js';
import { tempBeside } from './file-writes.js';

/** 4095 MiB: the largest whole number of MiB a FAT32 file can hold. */
export const FAT32_PART_SIZE = 4095 * 1024 * 1024;

/** Copies [start, end) of `source` into `target` through a temporary file, then renames it. */
async function copyRange(source: string, start: number, end: number, target: string): Promise<void> {
  const temp = tempBeside(target);
  try {
    await pipeline(createReadStream(source, { start, end: end - 1 }), createWriteStream(temp, { flags: 'wx' }));
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Cuts a bundle into parts of `partSize` bytes (the last one shorter), each written atomically,
 * and removes parts left from an earlier split into more pieces. The bundle itself stays.
 */
export async function splitBundle(file: string, partSize: number, onPart?: (path: string) => void): Promise<string[]> {
  const bundle = await Bundle.open(file); // Only real bundles are split: a damaged one would stay damaged.
  const size = bundle.source.size;
  await bundle.close();
  const count = Math.max(1, Math.ceil(size / partSize));
  const written: string[] = [];
  for (let number = 1; number <= count; number++) {
    const target = partName(file, number);
    await copyRange(file, (number - 1) * partSize, Math.min(number * partSize, size), target);
    written.push(target);
    onPart?.(target);
  }
  for (const stale of (await findParts(file).catch(() => [])).slice(count)) await unlink(stale);
  return written;
}

/** Joins the parts of a bundle back into one file, atomically, and checks that it opens. */
export async function joinParts(firstPartOrBase: string, output: string): Promise<number> {
  const parts = await findParts(firstPartOrBase);
  if (parts.length === 0) {
    throw new FerryError(
      'INPUT_MISSING',
      `No parts of "${firstPartOrBase}" were found (looked for ${partName(firstPartOrBase, 1)}).`,
    );
  }
  const temp = tempBeside(output);
  try {
    const out = createWriteStream(temp, { flags: 'wx' });
    for (const part of parts) await pipeline(createReadStream(part), out, { end: false });
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await (await Bundle.open(temp)).close();
    await rename(temp, output);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return (await stat(output)).size;
}
