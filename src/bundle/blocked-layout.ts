import { crc32 } from './crc32.js';

/** One record as it will be stored, and the key a block table names it by when it starts a block. */
export interface LaidRecord {
  bytes: Buffer;
  key: Buffer;
}

export interface BlockedSummary {
  recordCount: number;
  blockCount: number;
  /** Offset of the block table from the start of the data. */
  blockTableOffset: number;
}

export interface BlockedLayout {
  /** Records in their stored order; called twice, once to measure and once to write. */
  records: () => Iterable<LaidRecord>;
  perBlock: number;
  /** Bytes before the first block (header and any table), which must not depend on the summary for their length. */
  headLength: number;
  head: (summary: BlockedSummary) => Buffer;
  /**
   * With checksums, each block table entry carries the block's CRC-32, and the table ends with
   * the CRC-32 of the head and the table: what a reader reads at open, and each block it reads.
   */
  checksums?: boolean;
  /** Turns a block's records into its stored bytes (deflates them); the table then gives stored lengths. */
  encodeBlock?: (records: Buffer) => Buffer;
}

const OUTPUT_BYTES = 1024 * 1024;
export const BLOCKED_HEADER_SIZE = 32;

/**
 * The 32-byte header both lists begin with: magic, record count, block count, block table offset,
 * records per block, and one last field of the list's own.
 */
export function blockedHeader(magic: Buffer, summary: BlockedSummary, perBlock: number, last: number): Buffer {
  const header = Buffer.alloc(BLOCKED_HEADER_SIZE);
  magic.copy(header, 0);
  header.writeUInt32LE(summary.recordCount, 8);
  header.writeUInt32LE(summary.blockCount, 12);
  header.writeBigUInt64LE(BigInt(summary.blockTableOffset), 16);
  header.writeUInt32LE(perBlock, 24);
  header.writeUInt32LE(last, 28);
  return header;
}

/** A byte buffer that grows as it is appended to. */
class ByteList {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  length = 0;

  reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + count) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  tableEntry(offset: number, length: number, key: Buffer, checksum?: number): void {
    this.reserve(18 + key.length);
    this.length = this.bytes.writeBigUInt64LE(BigInt(offset), this.length);
    this.length = this.bytes.writeUInt32LE(length, this.length);
    if (checksum !== undefined) this.length = this.bytes.writeUInt32LE(checksum, this.length);
    this.length = this.bytes.writeUInt16LE(key.length, this.length);
    this.length += key.copy(this.bytes, this.length);
  }

  contents(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

/**
 * Lays records out as the path index and the title list store them (FORMAT.md §4.2, §5): a head,
 * the records in blocks of `perBlock`, then a table with each block's offset, length and first
 * key. The output comes in pieces of about 1 MB, so no list of any size is ever held whole: the
 * first pass over the records keeps only the block table (one key per block).
 */
export function* blockedLayout(layout: BlockedLayout): Generator<Buffer> {
  if (layout.encodeBlock) return yield* encodedBlocks(layout, layout.encodeBlock);
  const table = new ByteList();
  let recordCount = 0;
  let offset = layout.headLength;
  let blockStart = offset;
  let blockKey: Buffer | undefined;
  let blockCrc = 0;
  const endBlock = () => {
    if (blockKey) table.tableEntry(blockStart, offset - blockStart, blockKey, layout.checksums ? blockCrc : undefined);
  };
  for (const record of layout.records()) {
    if (recordCount % layout.perBlock === 0) {
      endBlock();
      blockStart = offset;
      blockKey = Buffer.from(record.key);
      blockCrc = 0;
    }
    if (layout.checksums) blockCrc = crc32(record.bytes, blockCrc);
    offset += record.bytes.length;
    recordCount++;
  }
  endBlock();
  yield* laidOut(layout, table, recordCount, offset, function* () {
    let out = Buffer.allocUnsafe(OUTPUT_BYTES);
    let used = 0;
    let written = 0;
    for (const record of layout.records()) {
      if (used + record.bytes.length > out.length) {
        yield out.subarray(0, used);
        out = Buffer.allocUnsafe(Math.max(OUTPUT_BYTES, record.bytes.length));
        used = 0;
      }
      used += record.bytes.copy(out, used);
      written++;
    }
    if (written !== recordCount) throw new Error('internal: the records changed between the two passes');
    if (used > 0) yield out.subarray(0, used);
  });
}

/** The head, the blocks that `body` gives (the second pass), the block table and its checksum. */
function* laidOut(
  layout: BlockedLayout,
  table: ByteList,
  recordCount: number,
  blockTableOffset: number,
  body: () => Iterable<Buffer>,
): Generator<Buffer> {
  const head = layout.head({ recordCount, blockCount: Math.ceil(recordCount / layout.perBlock), blockTableOffset });
  if (head.length !== layout.headLength) throw new Error('internal: the head of a blocked layout changed length');
  yield head;
  yield* body();
  yield table.contents();
  if (layout.checksums) {
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32(table.contents(), crc32(head)));
    yield checksum;
  }
}

/** Blocks held whole and encoded, then stored: for lists whose blocks are deflated. */
function* encodedBlocks(layout: BlockedLayout, encode: (records: Buffer) => Buffer): Generator<Buffer> {
  const eachBlock = function* (): Generator<{ key: Buffer; stored: Buffer; count: number }> {
    let pending: Buffer[] = [];
    let key: Buffer | undefined;
    for (const record of layout.records()) {
      if (pending.length === 0) key = Buffer.from(record.key);
      pending.push(record.bytes);
      if (pending.length === layout.perBlock) {
        yield { key: key!, stored: encode(Buffer.concat(pending)), count: pending.length };
        pending = [];
      }
    }
    if (pending.length > 0) yield { key: key!, stored: encode(Buffer.concat(pending)), count: pending.length };
  };
  const table = new ByteList();
  let recordCount = 0;
  let offset = layout.headLength;
  for (const block of eachBlock()) {
    table.tableEntry(offset, block.stored.length, block.key, layout.checksums ? crc32(block.stored) : undefined);
    offset += block.stored.length;
    recordCount += block.count;
  }
  yield* laidOut(layout, table, recordCount, offset, function* () {
    for (const block of eachBlock()) yield block.stored;
  });
}

/**
 * Each block's place and first key, as the table after the blocks gives them. Held in typed
 * arrays over the table's own bytes: a path index of six million entries has 94,000 blocks, and
 * an object per block made opening it cost more than the rest of opening a bundle.
 */
export interface BlockTable {
  count: number;
  offsets: Float64Array;
  lengths: Uint32Array;
  /** Where each block's first key lies in `keyBytes`, and its length. */
  keyStarts: Uint32Array;
  keyLengths: Uint16Array;
  keyBytes: Buffer;
  /** Each block's CRC-32, in a list laid out with checksums. */
  checksums?: Uint32Array;
}

export function emptyBlockTable(): BlockTable {
  return {
    count: 0,
    offsets: new Float64Array(0),
    lengths: new Uint32Array(0),
    keyStarts: new Uint32Array(0),
    keyLengths: new Uint16Array(0),
    keyBytes: Buffer.alloc(0),
  };
}

/** The first key of a block, as a view of the table's bytes. */
export function firstKey(table: BlockTable, block: number): Buffer {
  const start = table.keyStarts[block]!;
  return table.keyBytes.subarray(start, start + table.keyLengths[block]!);
}

/**
 * Reads a block table; every block must lie within [blocksStart, blocksEnd) of the data. With
 * `checksums`, entries carry CRCs, and `bytes` ends with the CRC-32 of the head and the table,
 * which the caller checks with `headAndTableChecksum` once it has read the head.
 */
export function parseBlockTable(
  bytes: Buffer,
  blockCount: number,
  blocksStart: number,
  blocksEnd: number,
  corrupt: (what: string) => Error,
  checksums = false,
): BlockTable {
  const entrySize = checksums ? 18 : 14;
  // Each entry takes at least entrySize bytes: a count the bytes cannot hold is damage, not an allocation.
  if (blockCount * entrySize > bytes.length) throw corrupt('block table truncated');
  const table: BlockTable = {
    count: blockCount,
    offsets: new Float64Array(blockCount),
    lengths: new Uint32Array(blockCount),
    keyStarts: new Uint32Array(blockCount),
    keyLengths: new Uint16Array(blockCount),
    keyBytes: bytes,
  };
  if (checksums) table.checksums = new Uint32Array(blockCount);
  let position = 0;
  for (let block = 0; block < blockCount; block++) {
    if (position + entrySize > bytes.length) throw corrupt('block table truncated');
    const offset = bytes.readUInt32LE(position) + bytes.readUInt32LE(position + 4) * 0x1_0000_0000;
    const length = bytes.readUInt32LE(position + 8);
    if (checksums) table.checksums![block] = bytes.readUInt32LE(position + 12);
    const keyLength = bytes.readUInt16LE(position + entrySize - 2);
    position += entrySize;
    if (position + keyLength > bytes.length) throw corrupt('block table truncated');
    if (offset < blocksStart || offset + length > blocksEnd) throw corrupt(`block ${block} lies outside the index`);
    table.offsets[block] = offset;
    table.lengths[block] = length;
    table.keyStarts[block] = position;
    table.keyLengths[block] = keyLength;
    position += keyLength;
  }
  return table;
}

/** Checks the CRC-32 that ends a table laid out with checksums, over `head` and the table before it. */
export function checkHeadAndTable(head: Buffer, tableBytes: Buffer, corrupt: (what: string) => Error): void {
  if (tableBytes.length < 4) throw corrupt('block table truncated');
  const table = tableBytes.subarray(0, tableBytes.length - 4);
  if (crc32(table, crc32(head)) !== tableBytes.readUInt32LE(table.length)) {
    throw corrupt('its header or block table does not match its checksum');
  }
}

/** Checks one block read against the CRC-32 its table entry gives, when the table has them. */
export function checkBlock(table: BlockTable, number: number, bytes: Buffer, corrupt: (what: string) => Error): void {
  const expected = table.checksums?.[number];
  if (expected !== undefined && crc32(bytes) !== expected) {
    throw corrupt(`block ${number} does not match its checksum`);
  }
}

/**
 * The block that would hold `key`: the last whose first key is not greater (or, with `before`,
 * is smaller, for lists where one key can span blocks). -1 when the key comes before them all.
 */
export function findBlock(table: BlockTable, key: Buffer, before = false): number {
  let low = 0;
  let high = table.count - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const start = table.keyStarts[middle]!;
    // How the block's first key compares with `key`.
    const order = -key.compare(table.keyBytes, start, start + table.keyLengths[middle]!);
    if (order < 0 || (order === 0 && !before)) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}
