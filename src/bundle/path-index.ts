import { FerryError } from '../errors.js';
import { parseBlockTable, type BlockTable } from './blocked-layout.js';
import { nameProblem } from './names.js';

/** Encoding and decoding of the path index, `ferry/index` (FORMAT.md §4). */

/**
 * Version 2 adds a CRC-32 to every block and one over the header and block table; version 3
 * deflates each block (FORMAT.md §4.2).
 */
export const INDEX_MAGIC = Buffer.from('FRYIDX3\0', 'latin1');
const INDEX_MAGIC_V2 = Buffer.from('FRYIDX2\0', 'latin1');
const INDEX_MAGIC_V1 = Buffer.from('FRYIDX1\0', 'latin1');
export const INDEX_HEADER_SIZE = 32;
export const RECORDS_PER_BLOCK = 64;
/** The most a block inflates to: 64 records of the longest names and redirect targets. */
export const MAX_BLOCK_BYTES = RECORDS_PER_BLOCK * (2 + 4096 + 1 + 2 + 4096 + 64);
const LOCATOR_SIZE = 2 + 8 + 8 + 8 + 4 + 2 + 32;

export enum EntryKind {
  Asset = 0,
  Page = 1,
  Redirect = 2,
  Data = 3,
}

/** Stored, deflated, or zstd with the bundle's dictionary (FORMAT.md §1). */
export type CompressionMethod = 0 | 8 | 93;

export function isCompressionMethod(method: number): method is CompressionMethod {
  return method === 0 || method === 8 || method === 93;
}

export interface Locator {
  mediaType: string;
  offset: number;
  compressedSize: number;
  size: number;
  crc32: number;
  method: CompressionMethod;
  sha256: Buffer;
}

export type StoredKind = EntryKind.Asset | EntryKind.Page | EntryKind.Data;

export type IndexRecord =
  { name: string; kind: StoredKind; locator: Locator } | { name: string; kind: EntryKind.Redirect; target: string };

export interface IndexHeader {
  /** Whether blocks, header and block table carry CRC-32s (version 2 and later). */
  checksums: boolean;
  /** Whether each block is deflated (version 3). */
  deflated: boolean;
  recordCount: number;
  blockCount: number;
  blockTableOffset: number;
  mediaTypesOffset: number;
}

/**
 * A record as the writer sorts it: the name, a NUL (which no name holds, so records sort by name),
 * then the bytes that follow the name in the index: the kind, and the locator or the target.
 */
export function sortableRecord(record: IndexRecord, mediaTypeNumber: number): Buffer {
  const name = Buffer.from(record.name, 'utf8');
  if (record.kind === EntryKind.Redirect) {
    const target = Buffer.from(record.target, 'utf8');
    const out = Buffer.alloc(name.length + 1 + 1 + 2 + target.length);
    name.copy(out);
    let position = out.writeUInt8(record.kind, name.length + 1);
    position = out.writeUInt16LE(target.length, position);
    target.copy(out, position);
    return out;
  }
  const out = Buffer.alloc(name.length + 2 + LOCATOR_SIZE);
  name.copy(out);
  const locator = record.locator;
  let position = out.writeUInt8(record.kind, name.length + 1);
  position = out.writeUInt16LE(mediaTypeNumber, position);
  position = out.writeBigUInt64LE(BigInt(locator.offset), position);
  position = out.writeBigUInt64LE(BigInt(locator.compressedSize), position);
  position = out.writeBigUInt64LE(BigInt(locator.size), position);
  position = out.writeUInt32LE(locator.crc32 >>> 0, position);
  position = out.writeUInt16LE(locator.method, position);
  locator.sha256.copy(out, position, 0, 32);
  return out;
}

/** A sortable record cut into its name and the rest; `sha256` for a stored entry, `target` for a redirect. */
export function splitSortable(record: Buffer): { name: Buffer; rest: Buffer; sha256?: Buffer; target?: string } {
  const nul = record.indexOf(0);
  const name = record.subarray(0, nul);
  const rest = record.subarray(nul + 1);
  if (rest[0] === EntryKind.Redirect) return { name, rest, target: rest.toString('utf8', 3) };
  return { name, rest, sha256: rest.subarray(1 + LOCATOR_SIZE - 32) };
}

/** A sortable record as the index stores it: the name's length, the name, then the rest (FORMAT.md §4.2). */
export function storedRecord(sortable: Buffer): Buffer {
  const { name, rest } = splitSortable(sortable);
  const bytes = Buffer.allocUnsafe(2 + name.length + rest.length);
  bytes.writeUInt16LE(name.length, 0);
  name.copy(bytes, 2);
  rest.copy(bytes, 2 + name.length);
  return bytes;
}

export function corrupt(label: string, what: string): FerryError {
  return new FerryError(
    'BUNDLE_CORRUPT',
    `${label}: the path index is damaged (${what}). Run "ferry verify" or get a fresh copy.`,
  );
}

export function parseIndexHeader(bytes: Buffer, indexSize: number, label: string): IndexHeader {
  const magic = bytes.subarray(0, 8);
  const known = [INDEX_MAGIC, INDEX_MAGIC_V2, INDEX_MAGIC_V1].some((each) => magic.equals(each));
  if (bytes.length < INDEX_HEADER_SIZE || !known) {
    throw corrupt(label, 'wrong magic: not a ferry index of version 1, 2 or 3');
  }
  const header = {
    checksums: !magic.equals(INDEX_MAGIC_V1),
    deflated: magic.equals(INDEX_MAGIC),
    recordCount: bytes.readUInt32LE(8),
    blockCount: bytes.readUInt32LE(12),
    blockTableOffset: Number(bytes.readBigUInt64LE(16)),
    mediaTypesOffset: bytes.readUInt32LE(28),
  };
  if (header.mediaTypesOffset < INDEX_HEADER_SIZE || header.mediaTypesOffset > header.blockTableOffset) {
    throw corrupt(label, 'media-type table outside the index');
  }
  if (header.blockTableOffset < INDEX_HEADER_SIZE || header.blockTableOffset > indexSize) {
    throw corrupt(label, 'block table outside the index');
  }
  if (header.blockCount !== Math.ceil(header.recordCount / RECORDS_PER_BLOCK)) {
    throw corrupt(label, 'block count does not match record count');
  }
  return header;
}

export function parseIndexBlockTable(bytes: Buffer, header: IndexHeader, label: string): BlockTable {
  return parseBlockTable(
    bytes,
    header.blockCount,
    INDEX_HEADER_SIZE,
    header.blockTableOffset,
    (what) => corrupt(label, what),
    header.checksums,
  );
}

export function parseMediaTypes(bytes: Buffer, label: string): string[] {
  if (bytes.length < 2) throw corrupt(label, 'media-type table truncated');
  const count = bytes.readUInt16LE(0);
  const types: string[] = [];
  let position = 2;
  for (let i = 0; i < count; i++) {
    const length = bytes[position];
    if (length === undefined || position + 1 + length > bytes.length)
      throw corrupt(label, 'media-type table truncated');
    types.push(bytes.toString('latin1', position + 1, position + 1 + length));
    position += 1 + length;
  }
  return types;
}

export function parseBlock(bytes: Buffer, mediaTypes: string[], label: string): IndexRecord[] {
  const records: IndexRecord[] = [];
  let position = 0;
  const need = (count: number) => {
    if (position + count > bytes.length) throw corrupt(label, 'record truncated');
  };
  while (position < bytes.length) {
    need(2);
    const nameLength = bytes.readUInt16LE(position);
    need(2 + nameLength + 1);
    const name = bytes.toString('utf8', position + 2, position + 2 + nameLength);
    const kind = bytes.readUInt8(position + 2 + nameLength) as EntryKind;
    position += 3 + nameLength;
    const problem = nameProblem(name);
    if (problem) throw corrupt(label, `entry name "${name}" is not allowed: ${problem}`);
    if (kind === EntryKind.Redirect) {
      need(2);
      const targetLength = bytes.readUInt16LE(position);
      need(2 + targetLength);
      const target = bytes.toString('utf8', position + 2, position + 2 + targetLength);
      position += 2 + targetLength;
      records.push({ name, kind, target });
    } else if (kind === EntryKind.Asset || kind === EntryKind.Page || kind === EntryKind.Data) {
      need(LOCATOR_SIZE);
      const mediaType = mediaTypes[bytes.readUInt16LE(position)];
      if (mediaType === undefined) throw corrupt(label, `entry "${name}" has an unknown media type`);
      const method = bytes.readUInt16LE(position + 30);
      if (!isCompressionMethod(method)) throw corrupt(label, `entry "${name}" uses compression method ${method}`);
      records.push({
        name,
        kind,
        locator: {
          mediaType,
          offset: Number(bytes.readBigUInt64LE(position + 2)),
          compressedSize: Number(bytes.readBigUInt64LE(position + 10)),
          size: Number(bytes.readBigUInt64LE(position + 18)),
          crc32: bytes.readUInt32LE(position + 26),
          method,
          sha256: Buffer.from(bytes.subarray(position + 32, position + 64)),
        },
      });
      position += LOCATOR_SIZE;
    } else {
      throw corrupt(label, `entry "${name}" has unknown kind ${String(kind)}`);
    }
  }
  return records;
}
