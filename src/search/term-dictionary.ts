import { checkHeadAndTable } from '../bundle/blocked-layout.js';
import { crc32 } from '../bundle/crc32.js';
import type { EntryReads } from '../bundle/reader.js';
import { BudgetedLru } from '../cache-budget.js';
import { FerryError } from '../errors.js';
import { ByteReader } from './bytes.js';
import { hash32 } from './term-hash.js';
import { lastAtMost } from './sorted-keys.js';

/**
 * `search/terms` (FORMAT.md §5.9): for each term key of the bundle, the shards that hold it, so a
 * query visits only those. A rare word of a million pages is in one shard of 1,586; without the
 * dictionary every shard's block table was searched and one of its blocks read.
 */
export const TERMS_NAME = 'search/terms';
/** Version 2 gives each block a CRC-32, so a first lookup checks a block, not the whole list. */
export const TERMS_MAGIC = Buffer.from('FRYTRM2\0', 'latin1');
const TERMS_MAGIC_V1 = Buffer.from('FRYTRM1\0', 'latin1');
export const TERMS_HEADER_SIZE = 24;
export const DICTIONARY_TERMS_PER_BLOCK = 128;
/**
 * Fewer shards than this cost a query little to visit all (a millisecond), and their vocabulary
 * would make the dictionary large beside them: python3.11-doc has 33 shards, and its dictionary
 * would be a quarter of its index. Their bundle has none.
 */
export const DICTIONARY_MIN_SHARDS = 128;
/**
 * How many of a common term's best shards the dictionary names: enough that the ten best pages
 * are in them, and so few that a common term costs some hundred bytes.
 */
export function namedShardsLimit(shards: number): number {
  return Math.min(64, Math.max(16, Math.ceil(shards / 8)));
}

/** Bounds are stored in two bytes, in thousandths, rounded up and one more: no page scores more than 35.2 for a term. */
const BOUND_SCALE = 1000;

export function boundValue(stored: number): number {
  return stored / BOUND_SCALE;
}

/** The stored bound, rounded up so that it stays a bound. */
export function storedBound(bound: number): number {
  // One more, so that a product that floating point rounds down never leaves it below.
  return Math.min(0xffff, Math.ceil(bound * BOUND_SCALE) + 1);
}

/**
 * A term in more shards than this is _common_: its list would cost more bytes than visiting the
 * other shards costs time. The dictionary names instead the shards where it scores best.
 */
export function listedShardsLimit(shards: number): number {
  return Math.max(1, Math.floor(shards / 8));
}

/**
 * A term in many shards: a query may visit them all, or, when the best pages it has found beat
 * every other shard's bound, only those it has visited (searcher.ts).
 */
export interface CommonTerm {
  /** Pages of the bundle that have it, dead ones counted: its idf. */
  documents: number;
  /** The shards where it scores best, best first. */
  shards: number[];
  /**
   * Each one's bound: no page of the shard has a higher score for the term, its idf left out and
   * times the page's prior.
   */
  bounds: number[];
  /** The bound of every other shard. */
  rest: number;
}

/** The shards that hold a term, in increasing order, or what the dictionary says of a common term. */
export type TermShards = readonly number[] | CommonTerm;

export function isCommon(shards: TermShards): shards is CommonTerm {
  return !Array.isArray(shards);
}

/** Recent lookups, found or not: people search the same words, and each costs a block read. */
const RECENT_LOOKUPS = 1024;

/** Reads the dictionary lazily: opening reads its header and block table, a lookup one block. */
export class TermDictionary {
  /** Counted at a common term's size: 64 shards and bounds in arrays. */
  private readonly recent = new BudgetedLru<number, Promise<TermShards>>(RECENT_LOOKUPS, () => 1280);

  private constructor(
    private readonly source: EntryReads,
    private readonly shards: number,
    /** The key of each block's first term. */
    private readonly keys: Uint32Array,
    /** Block i spans offsets i to i + 1. */
    private readonly offsets: Uint32Array,
    /** Each block's CRC-32 (version 2). */
    private readonly checksums: Uint32Array | undefined,
  ) {}

  /**
   * `shards`: how many `search/shards` lists; a dictionary of another count belongs to another
   * index. `source` may be opened with `deferCheck`: a version 1 dictionary is then checked whole.
   */
  static async open(source: EntryReads, shards: number): Promise<TermDictionary> {
    const corrupt = (why: string) => new FerryError('BUNDLE_CORRUPT', `${source.label}: ${why}.`);
    if (source.size < TERMS_HEADER_SIZE) throw corrupt('the term dictionary is cut short');
    const header = await source.read(0, TERMS_HEADER_SIZE);
    const magic = header.subarray(0, 8);
    const checked = magic.equals(TERMS_MAGIC);
    if (!checked && !magic.equals(TERMS_MAGIC_V1)) throw corrupt('not a ferry term dictionary (wrong magic)');
    if (!checked) await source.checkWhole?.();
    if (header.readUInt32LE(8) !== shards)
      throw corrupt('the term dictionary and search/shards disagree on the shards');
    const blockCount = header.readUInt32LE(16);
    const tableOffset = header.readUInt32LE(20);
    const entrySize = checked ? 12 : 8;
    // The end offset, and in version 2 the CRC-32 of the header and the table.
    const tableEnd = tableOffset + entrySize * blockCount + 4;
    if (tableOffset < TERMS_HEADER_SIZE || tableEnd + (checked ? 4 : 0) !== source.size)
      throw corrupt('the term dictionary header points outside it');
    const tableBytes = await source.read(tableOffset, source.size - tableOffset);
    if (checked) checkHeadAndTable(header, tableBytes, (what) => corrupt(`the term dictionary: ${what}`));
    const table = new ByteReader(tableBytes, source.label);
    const keys = new Uint32Array(blockCount);
    const offsets = new Uint32Array(blockCount + 1);
    const checksums = checked ? new Uint32Array(blockCount) : undefined;
    for (let i = 0; i < blockCount; i++) {
      keys[i] = table.uint32();
      offsets[i] = table.uint32();
      if (checksums) checksums[i] = table.uint32();
    }
    offsets[blockCount] = table.uint32();
    let inOrder = blockCount === 0 ? offsets[0] === TERMS_HEADER_SIZE : offsets[blockCount] === tableOffset;
    for (let i = 0; i < blockCount && inOrder; i++) {
      inOrder = (i === 0 ? offsets[0] === TERMS_HEADER_SIZE : keys[i]! > keys[i - 1]!) && offsets[i]! < offsets[i + 1]!;
    }
    if (!inOrder) throw corrupt('the term dictionary block table is damaged');
    return new TermDictionary(source, shards, keys, offsets, checksums);
  }

  /** The shards that hold the term, in increasing order (none when no page has it), or a common term's best shards. */
  shardsWith(term: string): Promise<TermShards> {
    return this.shardsWithKey(hash32(term));
  }

  /** The same, by the term's key (or an exact title's, exact-title.ts). */
  shardsWithKey(key: number): Promise<TermShards> {
    return this.recent.remember(key, () => this.find(key));
  }

  private async find(key: number): Promise<TermShards> {
    const block = lastAtMost(this.keys, key);
    let found: TermShards = [];
    if (block >= 0) {
      await this.scanBlock(block, (termKey, shards) => {
        if (termKey === key) found = shards();
        return termKey >= key;
      });
    }
    return found;
  }

  /** Reads every block, as `ferry verify` does: a damaged term list is an error here, not a wrong answer later. */
  async check(): Promise<void> {
    let previous = -1;
    for (let block = 0; block < this.keys.length; block++) {
      await this.scanBlock(block, (key, shards) => {
        if (key <= previous) throw this.corrupt('its terms are out of order');
        previous = key;
        shards();
        return false;
      });
    }
  }

  /**
   * Visits a block's terms in key order until `visit` returns true; `shards` reads the term's
   * list, which is skipped when it is not called.
   */
  private async scanBlock(block: number, visit: (key: number, shards: () => TermShards) => boolean): Promise<void> {
    const start = this.offsets[block]!;
    const bytes = await this.source.read(start, this.offsets[block + 1]! - start);
    if (this.checksums && crc32(bytes) !== this.checksums[block]) {
      throw this.corrupt(`its block ${block} does not match its checksum`);
    }
    const reader = new ByteReader(bytes, this.source.label);
    let key = this.keys[block]!;
    for (let first = true; !reader.done; first = false) {
      const delta = reader.varint();
      // A block's first key is the table's; each next one is larger.
      if (first ? delta !== 0 : delta === 0) throw this.corrupt('its terms are out of order');
      key += delta;
      const count = reader.varint();
      const end = reader.position;
      let list: TermShards | undefined;
      const shards = () => (list ??= count === 0 ? this.commonTerm(reader) : this.shardList(reader, count));
      if (visit(key, shards)) return;
      if (list === undefined) {
        reader.position = end;
        if (count === 0) this.commonTerm(reader);
        else for (let i = 0; i < count; i++) reader.varint();
      }
    }
  }

  private commonTerm(reader: ByteReader): CommonTerm {
    const documents = reader.varint();
    const named = reader.varint();
    if (named > this.shards) throw this.corrupt('a common term names too many shards');
    const best: { shard: number; bound: number }[] = [];
    for (let i = 0, shard = 0; i < named; i++) {
      shard = this.nextShard(reader, i === 0, shard);
      best.push({ shard, bound: boundValue(reader.uint16()) });
    }
    best.sort((a, b) => b.bound - a.bound || a.shard - b.shard);
    return {
      documents,
      shards: best.map(({ shard }) => shard),
      bounds: best.map(({ bound }) => bound),
      rest: boundValue(reader.uint16()),
    };
  }

  private shardList(reader: ByteReader, count: number): number[] {
    const shards: number[] = [];
    for (let i = 0, shard = 0; i < count; i++) shards.push((shard = this.nextShard(reader, i === 0, shard)));
    return shards;
  }

  /** The next number of an increasing list of shards: the previous plus a varint, which only the first may have 0. */
  private nextShard(reader: ByteReader, first: boolean, previous: number): number {
    const delta = reader.varint();
    if (!first && delta === 0) throw this.corrupt('a term lists a shard twice');
    const shard = previous + delta;
    if (shard >= this.shards) throw this.corrupt('a term names a shard the bundle does not have');
    return shard;
  }

  private corrupt(why: string): FerryError {
    return new FerryError('BUNDLE_CORRUPT', `${this.source.label}: the term dictionary is damaged: ${why}.`);
  }
}
