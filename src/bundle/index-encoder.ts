import { deflateRawSync } from 'node:zlib';
import { FerryError } from '../errors.js';
import { blockedHeader, blockedLayout } from './blocked-layout.js';
import { INDEX_HEADER_SIZE, INDEX_MAGIC, RECORDS_PER_BLOCK, splitSortable, storedRecord } from './path-index.js';

/** Writes the path index (FORMAT.md §4.2); Node only, as packing and updating are. */

/** Fixed, so the same records always give the same bytes. */
const INDEX_DEFLATE_LEVEL = 6;

/** A block of records as the index stores it: deflated (version 3). */
export function encodeIndexBlock(records: Buffer): Buffer {
  return deflateRawSync(records, { level: INDEX_DEFLATE_LEVEL });
}

function mediaTypeTable(mediaTypes: string[]): Buffer {
  const parts = [Buffer.alloc(2)];
  parts[0]!.writeUInt16LE(mediaTypes.length);
  for (const type of mediaTypes) {
    const bytes = Buffer.from(type, 'latin1');
    if (bytes.length > 255 || mediaTypes.length > 0xffff)
      throw new FerryError('INPUT_INVALID', `Media type "${type}" is too long.`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  return Buffer.concat(parts);
}

/**
 * The path index, in pieces of about 1 MB, from sortable records in name order (called twice:
 * once to measure, once to write) and the media types they number.
 */
export function encodeIndex(sortedRecords: () => Iterable<Buffer>, mediaTypes: string[]): Generator<Buffer> {
  const table = mediaTypeTable(mediaTypes);
  return blockedLayout({
    *records() {
      for (const record of sortedRecords()) yield { bytes: storedRecord(record), key: splitSortable(record).name };
    },
    perBlock: RECORDS_PER_BLOCK,
    checksums: true,
    // Names of neighbours share their folders, and offsets and sizes their high bytes: a block takes 45–65%.
    encodeBlock: encodeIndexBlock,
    headLength: INDEX_HEADER_SIZE + table.length,
    head(summary) {
      // The last header field is where the media-type table starts: just after the header.
      const header = blockedHeader(INDEX_MAGIC, summary, RECORDS_PER_BLOCK, INDEX_HEADER_SIZE);
      return Buffer.concat([header, table]);
    },
  });
}
