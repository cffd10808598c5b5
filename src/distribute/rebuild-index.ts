import type { ByteSource } from '../bundle/byte-source.js';
import { firstKey } from '../bundle/blocked-layout.js';
import type { CentralRecord } from '../bundle/central-directory.js';
import { crc32 } from '../bundle/crc32.js';
import { encodeIndexBlock } from '../bundle/index-encoder.js';
import { INDEX_NAME } from '../bundle/names.js';
import {
  EntryKind,
  INDEX_HEADER_SIZE,
  isCompressionMethod,
  parseIndexBlockTable,
  parseIndexHeader,
  parseMediaTypes,
  sortableRecord,
  storedRecord,
  type IndexRecord,
} from '../bundle/path-index.js';

/**
 * The new edition's path index, rebuilt from what the updater already has instead of fetched
 * whole. Every entry's offset moves when one before it changes size, so the index changes with
 * every edition, but its records are the old edition's (name, kind, media type, SHA-256) with the
 * new central directory's offsets and sizes. Only the head and block table are fetched (a few
 * KB); a block rebuilt this way is kept when its CRC-32 matches the new table's, and fetched
 * when not (a changed entry's new SHA-256, a new media type or redirect). The caller checks the
 * whole against the central directory's CRC-32.
 */
export async function rebuildIndex(
  remote: ByteSource,
  dataStart: number,
  size: number,
  newRecords: CentralRecord[],
  oldRecords: Map<string, IndexRecord>,
): Promise<Buffer> {
  const label = `${remote.label}: ${INDEX_NAME}`;
  const header = parseIndexHeader(await remote.read(dataStart, INDEX_HEADER_SIZE), size, label);
  const tableBytes = await remote.read(dataStart + header.blockTableOffset, size - header.blockTableOffset);
  const table = parseIndexBlockTable(tableBytes, header, label);
  const firstBlock = table.offsets[0] ?? header.blockTableOffset;
  const head = await remote.read(dataStart, firstBlock);
  const mediaTypes = parseMediaTypes(head.subarray(header.mediaTypesOffset), label);
  const typeNumbers = new Map(mediaTypes.map((type, number) => [type, number]));

  // Every name the new index may hold, in its order: the new entries and the old redirects.
  const byName = new Map(newRecords.map((record) => [record.name, record]));
  byName.delete(INDEX_NAME);
  const names = [...byName.keys()];
  for (const record of oldRecords.values()) if (record.kind === EntryKind.Redirect) names.push(record.name);
  const keys = names.map((name) => Buffer.from(name, 'utf8')).sort(Buffer.compare);

  const blocks: Buffer[] = [];
  let next = 0;
  for (let block = 0; block < table.count; block++) {
    const first = firstKey(table, block);
    const end = block + 1 < table.count ? firstKey(table, block + 1) : undefined;
    while (next < keys.length && Buffer.compare(keys[next]!, first) < 0) next++;
    const records: Buffer[] = [];
    for (; next < keys.length && (!end || Buffer.compare(keys[next]!, end) < 0); next++) {
      records.push(rebuiltRecord(keys[next]!.toString('utf8'), byName, oldRecords, typeNumbers) ?? Buffer.alloc(0));
    }
    // Deflated as the writer deflates it, so a block the old edition can tell is the very bytes.
    const rebuilt = header.deflated ? encodeIndexBlock(Buffer.concat(records)) : Buffer.concat(records);
    const matches = rebuilt.length === table.lengths[block] && crc32(rebuilt) === table.checksums?.[block];
    blocks.push(matches ? rebuilt : await remote.read(dataStart + table.offsets[block]!, table.lengths[block]!));
  }
  return Buffer.concat([head, ...blocks, tableBytes]);
}

/** A record as the index stores it (path-index.ts encodeIndex), or undefined when the old edition cannot tell it. */
function rebuiltRecord(
  name: string,
  byName: Map<string, CentralRecord>,
  oldRecords: Map<string, IndexRecord>,
  typeNumbers: Map<string, number>,
): Buffer | undefined {
  const old = oldRecords.get(name);
  const entry = byName.get(name);
  if (!old) return undefined;
  let sortable: Buffer;
  if (old.kind === EntryKind.Redirect) {
    if (entry) return undefined;
    sortable = sortableRecord(old, 0);
  } else {
    const type = typeNumbers.get(old.locator.mediaType);
    const same = entry && type !== undefined && entry.crc32 === old.locator.crc32 && entry.size === old.locator.size;
    if (!same || !isCompressionMethod(entry.method)) return undefined;
    const locator = {
      ...old.locator,
      offset: entry.offset,
      compressedSize: entry.compressedSize,
      method: entry.method,
    };
    sortable = sortableRecord({ ...old, locator }, type);
  }
  return storedRecord(sortable);
}
