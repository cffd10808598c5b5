import type { EntryReads } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { termScore, type CorpusScoring } from './bm25.js';
import { ByteReader } from './bytes.js';
import { FIELDS } from './analyse.js';
import {
  DOCS_PER_GROUP,
  IN_HEADINGS,
  IN_TITLE,
  SHARD_HEADER_SIZE,
  SHARD_MAGIC,
  SHARD_MAGIC_V1,
  SHARD_MAGIC_V2,
  readShardHeader,
  type ShardDocument,
} from './shard-format.js';
import { ShardReaderV1 } from './shard-reader-v1.js';
import { hash32 } from './term-hash.js';
import { lastAtMost } from './sorted-keys.js';
import { BudgetedLru } from '../cache-budget.js';
import { inflateExactly } from '../bundle/inflate.js';

export interface TermInfo {
  term: string;
  /** Pages of the shard that have the term. */
  documents: number;
  /** Where its postings are: in the shard (version 2), or in its block's inflated postings (version 3). */
  offset: number;
  length: number;
  /** Version 3: its term block, and the inflated size of that block's postings. */
  block?: number;
  blockPostings?: number;
  /** The one posting of a term on one page, which its entry holds. */
  single?: PageCounts;
}

/** A page and the term's count in its title, headings and body. */
export interface PageCounts {
  doc: number;
  counts: number[];
}

/** What a query needs of a shard, whichever version wrote it. */
export interface SearchShard {
  readonly documentCount: number;
  /** What it holds in memory once open, about (its caches count on their own). */
  readonly memoryBytes: number;
  /** The term's entry, or undefined when no page of the shard has it. */
  term(term: string): Promise<TermInfo | undefined>;
  /** Visits every page that has the term, in page order: its score for the term and its field flags. */
  scoredPostings(
    info: TermInfo,
    termIdf: number,
    scoring: CorpusScoring,
    visit: (doc: number, score: number, flags: number) => void,
  ): Promise<void>;
  /** The page's structure prior, 0–1. */
  prior(doc: number): number;
  /** False for a page a later edition replaced (dead-pages.ts). */
  isLive(doc: number): boolean;
  document(doc: number): Promise<ShardDocument>;
}

/** Opens a shard of either version by its magic. */
export async function openShard(source: EntryReads): Promise<SearchShard> {
  if (source.size < 8) throw new FerryError('BUNDLE_CORRUPT', `${source.label}: the search shard is cut short.`);
  const magic = await source.read(0, 8);
  if (magic.equals(SHARD_MAGIC_V1)) return ShardReaderV1.open(source);
  return ShardReader.open(source, magic.equals(SHARD_MAGIC_V2) ? SHARD_MAGIC_V2 : SHARD_MAGIC);
}

/** A shard's bytes in memory, read as a bundle's entry is. */
export function bufferReads(bytes: Buffer, label: string): EntryReads {
  return {
    size: bytes.length,
    label,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}

/** Per open shard: a thousand open shards keep at most some 10 MB of these. */
const RECENT_TERMS = 64;
const RECENT_POSTINGS = 16;

/** A term's entry in its block: its key, page count, and where its postings are or its one posting. */
interface BlockEntry {
  key: number;
  documents: number;
  offset: number;
  length: number;
  single?: PageCounts;
}

interface Block {
  /** The key of the block's first term. */
  key: number;
  offset: number;
  end: number;
  /** Where its postings start and end: deflated together from version 3. */
  postings: number;
  postingsEnd: number;
}

/**
 * The block table in typed arrays, three numbers a block: a query keeps every shard's open, and
 * as objects they took some 80 bytes a block, 76 MB over the shards of a million pages.
 */
interface BlockTable {
  keys: Uint32Array;
  /** Block i spans offsets i to i + 1, and its deflated postings postings i to i + 1. */
  offsets: Uint32Array;
  postings: Uint32Array;
}

/**
 * Reads a shard lazily: opening costs the header, the block table and the page norms (a few bytes
 * a page); a term lookup one block, its postings one more read.
 */
export class ShardReader implements SearchShard {
  private readonly recentTerms = new BudgetedLru<string, Promise<TermInfo | undefined>>(RECENT_TERMS, () => 96);
  private readonly recentPostings = new BudgetedLru<number, Promise<Buffer>>(
    RECENT_POSTINGS,
    (bytes) => 64 + bytes.length,
  );

  private constructor(
    private readonly source: EntryReads,
    /** Version 3: each block's postings are deflated together. */
    private readonly deflated: boolean,
    readonly documentCount: number,
    private readonly docOffsetsOffset: number,
    private readonly table: BlockTable,
    /** Title, headings and body length of each page, then the next page's. */
    private readonly lengths: Uint32Array,
    private readonly priors: Uint8Array,
  ) {}

  get memoryBytes(): number {
    const { keys, offsets, postings } = this.table;
    return (
      256 +
      (this.source.heldBytes ?? 0) +
      keys.byteLength +
      offsets.byteLength +
      postings.byteLength +
      this.lengths.byteLength +
      this.priors.byteLength
    );
  }

  private get blockCount(): number {
    return this.table.keys.length;
  }

  private block(index: number): Block {
    const { keys, offsets, postings } = this.table;
    return {
      key: keys[index]!,
      offset: offsets[index]!,
      end: offsets[index + 1]!,
      postings: postings[index]!,
      postingsEnd: postings[index + 1]!,
    };
  }

  static async open(source: EntryReads, magic: Buffer = SHARD_MAGIC): Promise<ShardReader> {
    const corrupt = (why: string) => new FerryError('BUNDLE_CORRUPT', `${source.label}: ${why}.`);
    const header = await readShardHeader(source, magic, SHARD_HEADER_SIZE);
    const documentCount = header.readUInt32LE(8);
    const blockCount = header.readUInt32LE(16);
    const termBlocksOffset = header.readUInt32LE(20);
    const normsOffset = header.readUInt32LE(24);
    const groupsOffset = header.readUInt32LE(36);
    const docOffsetsOffset = header.readUInt32LE(28);
    const blockTableOffset = header.readUInt32LE(32);
    const ordered =
      SHARD_HEADER_SIZE <= termBlocksOffset &&
      termBlocksOffset <= normsOffset &&
      normsOffset <= groupsOffset &&
      groupsOffset <= docOffsetsOffset &&
      docOffsetsOffset + 4 * (Math.ceil(documentCount / DOCS_PER_GROUP) + 1) <= blockTableOffset &&
      blockTableOffset + 12 * blockCount + 4 <= source.size;
    if (!ordered) throw corrupt('the search shard header points outside the shard');

    const stored = new ByteReader(await source.read(blockTableOffset, source.size - blockTableOffset), source.label);
    const table: BlockTable = {
      keys: new Uint32Array(blockCount),
      offsets: new Uint32Array(blockCount + 1),
      postings: new Uint32Array(blockCount + 1),
    };
    for (let i = 0; i < blockCount; i++) {
      table.keys[i] = stored.uint32();
      table.offsets[i] = stored.uint32();
      table.postings[i] = stored.uint32();
    }
    const blocksEnd = stored.uint32();
    table.offsets[blockCount] = blocksEnd;
    table.postings[blockCount] = termBlocksOffset;
    let inOrder = blocksEnd === normsOffset;
    for (let i = 0; i < blockCount && inOrder; i++) {
      inOrder =
        (i === 0 || table.keys[i]! >= table.keys[i - 1]!) &&
        table.offsets[i]! >= termBlocksOffset &&
        table.offsets[i]! <= table.offsets[i + 1]! &&
        table.postings[i]! >= SHARD_HEADER_SIZE &&
        table.postings[i]! <= table.postings[i + 1]!;
    }
    if (!inOrder) throw corrupt('the search shard block table is damaged');

    const norms = new ByteReader(await source.read(normsOffset, groupsOffset - normsOffset), source.label);
    const lengths = new Uint32Array(documentCount * FIELDS.length);
    const priors = new Uint8Array(documentCount);
    for (let doc = 0; doc < documentCount; doc++) {
      for (let field = 0; field < FIELDS.length; field++) lengths[doc * FIELDS.length + field] = norms.varint();
      priors[doc] = norms.byte();
    }
    const deflated = magic.equals(SHARD_MAGIC);
    return new ShardReader(source, deflated, documentCount, docOffsetsOffset, table, lengths, priors);
  }

  /** The term's entry; recent lookups, found or not, are kept: people search the same words. */
  term(term: string): Promise<TermInfo | undefined> {
    return this.recentTerms.remember(term, () => this.findTerm(term));
  }

  private async findTerm(term: string): Promise<TermInfo | undefined> {
    const key = hash32(term);
    const block = lastAtMost(this.table.keys, key);
    if (block < 0) return undefined;
    let found: BlockEntry | undefined;
    const postingsSize = await this.scanBlock(block, (entry) => {
      if (entry.key === key) found = { ...entry };
      return entry.key >= key;
    });
    if (!found) return undefined;
    const { documents, offset, length, single } = found;
    const info: TermInfo = single ? { term, documents, offset, length, single } : { term, documents, offset, length };
    if (!this.deflated) {
      if (info.offset + info.length > this.source.size)
        throw this.corrupt(`the postings of "${term}" run past its end`);
      return info;
    }
    // The whole block is read to learn its postings' inflated size, a bound for inflating them.
    return { ...info, block, blockPostings: postingsSize };
  }

  /**
   * Visits the entries of a term block in key order until `visit` returns true; version 3 reads
   * on to the end all the same, to return the inflated size of the block's postings. The entry
   * object is reused from one call to the next.
   */
  private async scanBlock(index: number, visit: (entry: BlockEntry) => boolean): Promise<number> {
    const block = this.block(index);
    const reader = new ByteReader(await this.source.read(block.offset, block.end - block.offset), this.source.label);
    // Version 3 counts from the start of the block's inflated postings, version 2 from the shard's.
    let offset = this.deflated ? 0 : block.postings;
    const entry: BlockEntry = { key: block.key, documents: 0, offset: 0, length: 0 };
    let stopped = false;
    while (!reader.done) {
      entry.key += reader.varint();
      const head = reader.varint();
      // A term on one page holds its posting here (shard-encoder.ts encodeEntryHead).
      entry.documents = head % 2 === 1 ? 1 : head / 2;
      if (entry.documents === 0 || entry.documents > this.documentCount) throw this.corrupt('a term block is damaged');
      entry.offset = offset;
      if (entry.documents === 1) {
        const doc = reader.varint();
        entry.single = { doc, counts: readCounts((head - 1) / 2, reader, [0, 0, 0]) };
        entry.length = 0;
      } else {
        entry.single = undefined;
        entry.length = reader.varint();
        offset += entry.length;
      }
      if (!stopped) stopped = visit(entry);
      if (stopped && !this.deflated) break;
    }
    return offset;
  }

  /** The keys of all its terms, in increasing order. */
  async termKeys(): Promise<Uint32Array> {
    const keys: number[] = [];
    for (let index = 0; index < this.blockCount; index++) {
      await this.scanBlock(index, (entry) => {
        // Keys increase: a damaged block that says otherwise must not list a term twice.
        if (keys.length > 0 && entry.key <= keys[keys.length - 1]!) throw this.corrupt('its terms are out of order');
        keys.push(entry.key);
        return false;
      });
    }
    return Uint32Array.from(keys);
  }

  /**
   * For each term that `wanted` takes, in key order: its pages here, and its best score on one of
   * them, its idf left out and times the page's prior. The term dictionary bounds the shard by it
   * (FORMAT.md §5.9).
   */
  async bestScores(
    wanted: (key: number) => boolean,
    scoring: CorpusScoring,
    visit: (key: number, documents: number, best: number) => void,
  ): Promise<void> {
    await this.eachTerm(wanted, async (key, info) => {
      let best = 0;
      await this.scoredPostings(info, 1, scoring, (doc, score) => (best = Math.max(best, score * this.prior(doc))));
      visit(key, info.documents, best);
    });
  }

  /**
   * Every posting of the shard, term by term in key order: what packing with a base edition
   * compares a page with (base-index.ts). Reads the whole shard.
   */
  async eachPosting(visit: (key: number, doc: number, counts: number[]) => void): Promise<void> {
    await this.eachTerm(
      () => true,
      (key, info) => this.eachPostingOf(info, (doc, counts) => visit(key, doc, counts)),
    );
  }

  /** Walks the whole shard: each term that `wanted` takes, in key order, as an entry its postings are read by. */
  private async eachTerm(
    wanted: (key: number) => boolean,
    visit: (key: number, info: TermInfo) => Promise<void>,
  ): Promise<void> {
    for (let index = 0; index < this.blockCount; index++) {
      const entries: BlockEntry[] = [];
      const postingsSize = await this.scanBlock(index, (entry) => {
        if (wanted(entry.key)) entries.push({ ...entry });
        return false;
      });
      for (const entry of entries) {
        const info: TermInfo = { term: `#${entry.key}`, ...entry };
        if (this.deflated) Object.assign(info, { block: index, blockPostings: postingsSize });
        await visit(entry.key, info);
      }
    }
  }

  async scoredPostings(
    info: TermInfo,
    termIdf: number,
    scoring: CorpusScoring,
    visit: (doc: number, score: number, flags: number) => void,
  ): Promise<void> {
    const lengths = [0, 0, 0];
    await this.eachPostingOf(info, (doc, counts) => {
      for (let field = 0; field < FIELDS.length; field++) lengths[field] = this.lengths[doc * FIELDS.length + field]!;
      const flags = (counts[0]! > 0 ? IN_TITLE : 0) | (counts[1]! > 0 ? IN_HEADINGS : 0);
      visit(doc, termScore(counts, lengths, scoring.averages, termIdf), flags);
    });
  }

  /** Visits the pages that have the term, in page order, with its title, headings and body counts. */
  private async eachPostingOf(info: TermInfo, visit: (doc: number, counts: number[]) => void): Promise<void> {
    const missing = () => this.corrupt(`the postings of "${info.term}" name a missing page`);
    if (info.single) {
      if (info.single.doc >= this.documentCount) throw missing();
      visit(info.single.doc, info.single.counts);
      return;
    }
    const reader = new ByteReader(await this.postingsOf(info), this.source.label);
    const counts = [0, 0, 0];
    let doc = 0;
    let first = true;
    // The search's innermost loop: the page check is written out here, not wrapped around `visit`.
    while (!reader.done) {
      const delta = reader.varint();
      if (!first && delta === 0) throw this.corrupt(`the postings of "${info.term}" are out of order`);
      first = false;
      doc += delta;
      if (doc >= this.documentCount) throw missing();
      visit(doc, readCounts(reader.varint(), reader, counts));
    }
  }

  /** The page's title, headings and body lengths in terms. */
  fieldLengths(doc: number): number[] {
    return FIELDS.map((_, field) => this.lengths[doc * FIELDS.length + field]!);
  }

  /** The page's structure prior as stored, in 1/255ths. */
  storedPrior(doc: number): number {
    return this.priors[doc] ?? 255;
  }

  /** A term's postings; the most recent are kept, the ones a common word brings back every time. */
  private async postingsOf(info: TermInfo): Promise<Buffer> {
    if (info.block === undefined) {
      return this.recentPostings.remember(info.offset, () => this.source.read(info.offset, info.length));
    }
    const block = this.block(info.block);
    const size = info.blockPostings!;
    const inflated = await this.recentPostings.remember(block.postings, async () => {
      const deflated = await this.source.read(block.postings, block.postingsEnd - block.postings);
      return inflateExactly(deflated, size).catch((error: Error) => {
        throw this.corrupt(`the postings of a term block are damaged (${error.message})`);
      });
    });
    if (info.offset + info.length > inflated.length) throw this.corrupt(`the postings of "${info.term}" are damaged`);
    return inflated.subarray(info.offset, info.offset + info.length);
  }

  prior(doc: number): number {
    return this.storedPrior(doc) / 255;
  }

  isLive(): boolean {
    return true;
  }

  /** Every page's title, in page order: what the term dictionary keys exact titles by. */
  async titles(): Promise<string[]> {
    const titles: string[] = [];
    for (let group = 0; group * DOCS_PER_GROUP < this.documentCount; group++) {
      const reader = await this.group(group);
      const end = Math.min(this.documentCount, (group + 1) * DOCS_PER_GROUP);
      for (let doc = group * DOCS_PER_GROUP; doc < end; doc++) {
        reader.varint();
        reader.stringBytes();
        titles.push(reader.string());
      }
    }
    return titles;
  }

  /** The bytes of a group of pages' paths and titles. */
  private async group(group: number): Promise<ByteReader> {
    const offsets = await this.source.read(this.docOffsetsOffset + 4 * group, 8);
    const start = offsets.readUInt32LE(0);
    const end = offsets.readUInt32LE(4);
    if (end < start || end > this.docOffsetsOffset) throw this.corrupt(`page group ${group} points outside the shard`);
    return new ByteReader(await this.source.read(start, end - start), this.source.label);
  }

  async document(doc: number): Promise<ShardDocument> {
    if (!Number.isInteger(doc) || doc < 0 || doc >= this.documentCount) throw this.corrupt(`there is no page ${doc}`);
    const group = Math.floor(doc / DOCS_PER_GROUP);
    const reader = await this.group(group);
    let path = Buffer.alloc(0);
    for (let at = group * DOCS_PER_GROUP; ; at++) {
      const shared = reader.varint();
      if (shared > path.length) throw this.corrupt(`the path of page ${at} is damaged`);
      path = Buffer.concat([path.subarray(0, shared), reader.stringBytes()]);
      const title = reader.string();
      if (at === doc) return { path: path.toString('utf8'), title };
    }
  }

  private corrupt(why: string): FerryError {
    return new FerryError('BUNDLE_CORRUPT', `${this.source.label}: ${why}.`);
  }
}

/** The title, headings and body counts of a posting, from its counts code (shard-format.ts), into `counts`. */
function readCounts(code: number, reader: ByteReader, counts: number[]): number[] {
  counts[0] = code & IN_TITLE ? reader.varint() : 0;
  counts[1] = code & IN_HEADINGS ? reader.varint() : 0;
  counts[2] = Math.floor(code / 4);
  return counts;
}
