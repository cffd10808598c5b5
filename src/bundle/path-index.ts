import { FerryError } from '../errors.js';
import { compareNames, compareNameStrings, nameProblem } from './names.js';

/** Encoding and decoding of the path index, `ferry/index` (FORMAT.md §4). */

export const INDEX_MAGIC = Buffer.from('FRYIDX1\0', 'latin1');
export const INDEX_HEADER_SIZE = 32;
export const RECORDS_PER_BLOCK = 64;
const LOCATOR_SIZE = 2 + 8 + 8 + 8 + 4 + 2 + 32;

export enum EntryKind {
  Asset = 0,
  Page = 1,
  Redirect = 2,
  Data = 3,
}

export interface Locator {
  mediaType: string;
  offset: number;
  compressedSize: number;
  size: number;
  crc32: number;
  method: 0 | 8;
  sha256: Buffer;
}

export type StoredKind = EntryKind.Asset | EntryKind.Page | EntryKind.Data;

export type IndexRecord =
  { name: string; kind: StoredKind; locator: Locator } | { name: string; kind: EntryKind.Redirect; target: string };

export interface IndexHeader {
  recordCount: number;
  blockCount: number;
  blockTableOffset: number;
  mediaTypesOffset: number;
}

export interface BlockTable {
  offsets: number[];
  lengths: number[];
  firstNames: Buffer[];
}

function recordSize(record: IndexRecord): number {
  const base = 2 + Buffer.byteLength(record.name) + 1;
  if (record.kind === EntryKind.Redirect) return base + 2 + Buffer.byteLength(record.target);
  return base + LOCATOR_SIZE;
}

function writeRecord(record: IndexRecord, out: Buffer, at: number, mediaTypes: Map<string, number>): number {
  let position = out.writeUInt16LE(Buffer.byteLength(record.name), at);
  position += out.write(record.name, position, 'utf8');
  position = out.writeUInt8(record.kind, position);
  if (record.kind === EntryKind.Redirect) {
    position = out.writeUInt16LE(Buffer.byteLength(record.target), position);
    return position + out.write(record.target, position, 'utf8');
  }
  const locator = record.locator;
  position = out.writeUInt16LE(mediaTypes.get(locator.mediaType)!, position);
  position = out.writeBigUInt64LE(BigInt(locator.offset), position);
  position = out.writeBigUInt64LE(BigInt(locator.compressedSize), position);
  position = out.writeBigUInt64LE(BigInt(locator.size), position);
  position = out.writeUInt32LE(locator.crc32 >>> 0, position);
  position = out.writeUInt16LE(locator.method, position);
  return position + locator.sha256.copy(out, position, 0, 32);
}

/** Sorts records into index order; throws on duplicate names. */
export function sortRecords<T extends { name: string }>(records: T[]): T[] {
  const sorted = records.slice().sort((a, b) => compareNameStrings(a.name, b.name));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.name === sorted[i]!.name) {
      throw new FerryError('INPUT_INVALID', `Two entries have the same name "${sorted[i]!.name}".`);
    }
  }
  return sorted;
}

function encodeMediaTypes(records: IndexRecord[]): { table: Buffer; numbers: Map<string, number> } {
  const numbers = new Map<string, number>();
  for (const record of records) {
    if (record.kind !== EntryKind.Redirect && !numbers.has(record.locator.mediaType)) {
      numbers.set(record.locator.mediaType, numbers.size);
    }
  }
  const parts = [Buffer.alloc(2)];
  parts[0]!.writeUInt16LE(numbers.size);
  for (const type of numbers.keys()) {
    const bytes = Buffer.from(type, 'latin1');
    if (bytes.length > 255 || numbers.size > 0xffff)
      throw new FerryError('INPUT_INVALID', `Media type "${type}" is too long.`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  return { table: Buffer.concat(parts), numbers };
}

/**
 * Encodes records that are already in index order. The length depends only on names, kinds and
 * media types, so a placeholder of the right size can be written before the offsets are known.
 */
export function encodeIndex(records: IndexRecord[]): Buffer {
  const blockCount = Math.ceil(records.length / RECORDS_PER_BLOCK);
  const mediaTypes = encodeMediaTypes(records);
  const blocksStart = INDEX_HEADER_SIZE + mediaTypes.table.length;
  let blocksSize = 0;
  let tableSize = 0;
  for (let i = 0; i < records.length; i++) {
    blocksSize += recordSize(records[i]!);
    if (i % RECORDS_PER_BLOCK === 0) tableSize += 8 + 4 + 2 + Buffer.byteLength(records[i]!.name);
  }
  const out = Buffer.alloc(blocksStart + blocksSize + tableSize);
  INDEX_MAGIC.copy(out, 0);
  out.writeUInt32LE(records.length, 8);
  out.writeUInt32LE(blockCount, 12);
  out.writeBigUInt64LE(BigInt(blocksStart + blocksSize), 16);
  out.writeUInt32LE(RECORDS_PER_BLOCK, 24);
  out.writeUInt32LE(INDEX_HEADER_SIZE, 28);
  mediaTypes.table.copy(out, INDEX_HEADER_SIZE);

  let position = blocksStart;
  let tablePosition = blocksStart + blocksSize;
  for (let block = 0; block < blockCount; block++) {
    const start = position;
    const first = block * RECORDS_PER_BLOCK;
    const last = Math.min(first + RECORDS_PER_BLOCK, records.length);
    for (let i = first; i < last; i++) position = writeRecord(records[i]!, out, position, mediaTypes.numbers);
    const firstName = records[first]!.name;
    tablePosition = out.writeBigUInt64LE(BigInt(start), tablePosition);
    tablePosition = out.writeUInt32LE(position - start, tablePosition);
    tablePosition = out.writeUInt16LE(Buffer.byteLength(firstName), tablePosition);
    tablePosition += out.write(firstName, tablePosition, 'utf8');
  }
  return out;
}

function corrupt(label: string, what: string): FerryError {
  return new FerryError(
    'BUNDLE_CORRUPT',
    `${label}: the path index is damaged (${what}). Run "ferry verify" or get a fresh copy.`,
  );
}

export function parseIndexHeader(bytes: Buffer, indexSize: number, label: string): IndexHeader {
  if (bytes.length < INDEX_HEADER_SIZE || !bytes.subarray(0, 8).equals(INDEX_MAGIC)) {
    throw corrupt(label, 'wrong magic: not a ferry version 1 index');
  }
  const header = {
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

export function parseBlockTable(bytes: Buffer, header: IndexHeader, label: string): BlockTable {
  const table: BlockTable = { offsets: [], lengths: [], firstNames: [] };
  let position = 0;
  for (let block = 0; block < header.blockCount; block++) {
    if (position + 14 > bytes.length) throw corrupt(label, 'block table truncated');
    const offset = Number(bytes.readBigUInt64LE(position));
    const length = bytes.readUInt32LE(position + 8);
    const nameLength = bytes.readUInt16LE(position + 12);
    position += 14;
    if (position + nameLength > bytes.length) throw corrupt(label, 'block table truncated');
    if (offset < INDEX_HEADER_SIZE || offset + length > header.blockTableOffset) {
      throw corrupt(label, `block ${block} lies outside the index`);
    }
    table.offsets.push(offset);
    table.lengths.push(length);
    table.firstNames.push(Buffer.from(bytes.subarray(position, position + nameLength)));
    position += nameLength;
  }
  return table;
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

/** The block that would hold `name`: the last whose first name is not greater. -1 when before all. */
export function findBlock(table: BlockTable, name: Buffer): number {
  let low = 0;
  let high = table.firstNames.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    if (compareNames(table.firstNames[middle]!, name) <= 0) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
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
      if (method !== 0 && method !== 8) throw corrupt(label, `entry "${name}" uses compression method ${method}`);
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
