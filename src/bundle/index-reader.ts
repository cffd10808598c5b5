import { FerryError } from '../errors.js';
import { BudgetedLru, textBytes } from '../cache-budget.js';
import type { ByteSource } from './byte-source.js';
import { INDEX_NAME, splitFragment } from './names.js';
import { checkBlock, checkHeadAndTable, findBlock, type BlockTable } from './blocked-layout.js';
import {
  corrupt,
  EntryKind,
  INDEX_HEADER_SIZE,
  MAX_BLOCK_BYTES,
  parseBlock,
  parseIndexBlockTable,
  parseIndexHeader,
  parseMediaTypes,
  type IndexHeader,
  type IndexRecord,
  type Locator,
  type StoredKind,
} from './path-index.js';
import { localDataOffset, readLastCentralRecord, readZipTail } from './zip-tail.js';
import { inflateAtMost } from './inflate.js';

/** A stored entry; `fragment` is the anchor a redirect to it named (`Page#Section`), if one did. */
export type StoredRecord = { name: string; kind: StoredKind; locator: Locator; fragment?: string };

const MAX_REDIRECTS = 8;
const BLOCK_CACHE_SIZE = 256;

/** What a parsed block holds in memory, about: its names, and an object per record. */
function recordsBytes(records: IndexRecord[]): number {
  return records.reduce(
    (sum, record) => sum + 96 + textBytes(record.name) + ('target' in record ? textBytes(record.target) : 0),
    0,
  );
}

/**
 * The path index of a bundle (FORMAT.md §4), read through any ByteSource: a file, split parts, a
 * file picked in a browser. Opening reads the ZIP tail, the index header, block table and media
 * types; a lookup reads one block. It needs no ZIP library, so the standalone reader shares it.
 */
export class IndexReader {
  private readonly blockCache = new BudgetedLru<number, IndexRecord[]>(BLOCK_CACHE_SIZE, recordsBytes);

  private constructor(
    private readonly source: ByteSource,
    private readonly indexDataOffset: number,
    readonly header: IndexHeader,
    private readonly blockTable: BlockTable,
    private readonly mediaTypes: string[],
  ) {}

  static async open(source: ByteSource): Promise<IndexReader> {
    const label = source.label;
    const tail = await readZipTail(source);
    const last = await readLastCentralRecord(source, tail, INDEX_NAME);
    const indexDataOffset = await localDataOffset(source, last.localHeaderOffset);
    // The index entry has a data descriptor after its data: its end is in the central directory.
    const indexEnd = indexDataOffset + last.compressedSize;
    if (indexEnd > tail.centralDirectoryOffset) {
      throw new FerryError('BUNDLE_CORRUPT', `${label}: the path index runs past the central directory.`);
    }
    const headerBytes = await source.read(indexDataOffset, Math.min(INDEX_HEADER_SIZE, indexEnd - indexDataOffset));
    const header = parseIndexHeader(headerBytes, indexEnd - indexDataOffset, label);
    const tableStart = indexDataOffset + header.blockTableOffset;
    const tableBytes = await source.read(tableStart, Math.max(0, indexEnd - tableStart));
    const blockTable = parseIndexBlockTable(tableBytes, header, label);
    const mediaTypesEnd = blockTable.offsets[0] ?? header.blockTableOffset;
    const mediaTypeBytes = await source.read(
      indexDataOffset + header.mediaTypesOffset,
      Math.max(0, mediaTypesEnd - header.mediaTypesOffset),
    );
    if (header.checksums) {
      const head = Buffer.concat([headerBytes, mediaTypeBytes]);
      checkHeadAndTable(head, tableBytes, (what) => corrupt(label, what));
    }
    const mediaTypes = parseMediaTypes(mediaTypeBytes, label);
    return new IndexReader(source, indexDataOffset, header, blockTable, mediaTypes);
  }

  private async block(number: number): Promise<IndexRecord[]> {
    const cached = this.blockCache.get(number);
    if (cached) return cached;
    const stored = await this.source.read(
      this.indexDataOffset + this.blockTable.offsets[number]!,
      this.blockTable.lengths[number]!,
    );
    checkBlock(this.blockTable, number, stored, (what) => corrupt(this.source.label, what));
    const bytes = this.header.deflated
      ? await inflateAtMost(stored, MAX_BLOCK_BYTES).catch((error: Error) => {
          throw corrupt(this.source.label, `block ${number} does not inflate: ${error.message}`);
        })
      : stored;
    const records = parseBlock(bytes, this.mediaTypes, this.source.label);
    this.blockCache.set(number, records);
    return records;
  }

  /** The record stored under an exact entry name, redirect or not. */
  async lookup(name: string): Promise<IndexRecord | undefined> {
    const number = findBlock(this.blockTable, Buffer.from(name, 'utf8'));
    if (number < 0) return undefined;
    return (await this.block(number)).find((record) => record.name === name);
  }

  /** Follows redirects to the stored entry, or undefined when there is none. */
  async resolve(name: string): Promise<StoredRecord | undefined> {
    let record = await this.lookup(name);
    let fragment: string | undefined;
    for (let hops = 0; record?.kind === EntryKind.Redirect; hops++) {
      if (hops === MAX_REDIRECTS) {
        throw new FerryError(
          'BUNDLE_CORRUPT',
          `${this.source.label}: "${name}" is in a redirect loop or a chain longer than ${MAX_REDIRECTS}.`,
        );
      }
      const target = record.target;
      record = await this.lookup(target);
      const split = record ? undefined : splitFragment(target);
      if (split) {
        record = await this.lookup(split.name);
        fragment = split.fragment;
      }
    }
    return record && fragment !== undefined ? { ...record, fragment } : record;
  }

  /** Every record in index order, reading one block at a time. */
  async *records(): AsyncGenerator<IndexRecord> {
    for (let number = 0; number < this.header.blockCount; number++) {
      yield* await this.block(number);
    }
  }
}
