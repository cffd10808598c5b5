import { deflateRawSync } from 'node:zlib';
import { blockedHeader, blockedLayout } from '../bundle/blocked-layout.js';
import { HEADER_SIZE, TITLES_MAGIC, TITLES_PER_BLOCK } from './titles.js';

/** Writes the title list (FORMAT.md §5.6); Node only, as packing is. */

/** Fixed, so the same titles always give the same bytes. */
const TITLES_DEFLATE_LEVEL = 6;

/** The title list, in pieces of about 1 MB, from sortable titles in order (called twice: to measure, to write). */
export function encodeTitles(sortedTitles: () => Iterable<Buffer>): Generator<Buffer> {
  return blockedLayout({
    *records() {
      for (const record of sortedTitles()) {
        const firstNul = record.indexOf(0);
        const secondNul = record.indexOf(0, firstNul + 1);
        const path = record.subarray(firstNul + 1, secondNul);
        const title = record.subarray(secondNul + 1);
        const bytes = Buffer.allocUnsafe(4 + title.length + path.length);
        bytes.writeUInt16LE(title.length, 0);
        title.copy(bytes, 2);
        bytes.writeUInt16LE(path.length, 2 + title.length);
        path.copy(bytes, 4 + title.length);
        yield { bytes, key: record.subarray(0, firstNul) };
      }
    },
    perBlock: TITLES_PER_BLOCK,
    headLength: HEADER_SIZE,
    head: (summary) => blockedHeader(TITLES_MAGIC, summary, TITLES_PER_BLOCK, 0),
    // A CRC-32 for each block: a reader checks what it reads, not the whole list first.
    checksums: true,
    // Titles and paths of neighbours share most of their words: deflated, a block takes a fifth.
    encodeBlock: (records) => deflateRawSync(records, { level: TITLES_DEFLATE_LEVEL }),
  });
}
