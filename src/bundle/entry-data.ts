import { EntryKind, type IndexRecord, type Locator } from './path-index.js';
import type { ByteSource } from './byte-source.js';
import { localDataOffset } from './zip-tail.js';

/** Two records for one stored content: the same data at the same place (FORMAT.md §4.2). */
export function sameLocator(a: Locator, b: Locator): boolean {
  return (
    a.offset === b.offset &&
    a.compressedSize === b.compressedSize &&
    a.size === b.size &&
    a.crc32 === b.crc32 &&
    a.method === b.method &&
    a.mediaType === b.mediaType &&
    a.sha256.equals(b.sha256)
  );
}

/** The name in the local header at `offset`. */
async function localName(source: ByteSource, offset: number): Promise<string> {
  const header = await source.read(offset, 30);
  const length = header.length === 30 ? header.readUInt16LE(26) : 0;
  return (await source.read(offset + 30, length)).toString('utf8');
}

/**
 * Where a stored record's data starts. Its local header must name it, or, for a copy of a file
 * stored once, name a record with exactly the same locator; anything else means the index points
 * at the wrong entry, and the name check's error stands.
 */
export async function entryDataOffset(
  source: ByteSource,
  record: { name: string; locator: Locator },
  lookup: (name: string) => Promise<IndexRecord | undefined>,
): Promise<number> {
  try {
    return await localDataOffset(source, record.locator.offset, record.name);
  } catch (error) {
    const first = await lookup(await localName(source, record.locator.offset)).catch(() => undefined);
    if (!first || first.kind === EntryKind.Redirect || !sameLocator(first.locator, record.locator)) throw error;
    return localDataOffset(source, record.locator.offset);
  }
}
