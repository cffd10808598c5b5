import type { EntryReads } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { termScore, type CorpusScoring } from './bm25.js';
import { ByteReader } from './bytes.js';
import { FIELDS } from './analyse.js';
import {
  IN_HEADINGS,
  IN_TITLE,
  SHARD_HEADER_SIZE,
  SHARD_MAGIC,
  SHARD_MAGIC_V1,
  type ShardDocument,
} from './shard-format.js';
import { ShardReaderV1 } from './shard-reader-v1.js';

export interface TermInfo {
  term: string;
  /** Pages of the shard that have the term. */
  documents: number;
  offset: number;
  length: number;
}

/** What a query needs of a shard, whichever version wrote it. */
export interface SearchShard {
  readonly documentCount: number;
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
  document(doc: number): Promise<ShardDocument>;
}

/** Opens a shard of either version by its magic. */
export async function openShard(source: EntryReads): Promise<SearchShard> {
  if (source.size < 8) throw new FerryError('BUNDLE_CORRUPT', `${source.label}: the search shard is cut short.`);
  const magic = await source.read(0, 8);
  if (magic.equals(SHARD_MAGIC_V1)) return ShardReaderV1.open(source);
  return ShardReader.open(source);
}

interface Block {
  offset: number;
  end: number;
  postings: number;
  first: Buffer;
}

/**
 * Reads a shard lazily: opening costs the header, the block table and the page norms (a few bytes
 * a page); a term lookup one block, its postings one more read.
 */
export class ShardReader implements SearchShard {
  private constructor(
    private readonly source: EntryReads,
    readonly documentCount: number,
    private readonly docOffsetsOffset: number,
    private readonly blocks: Block[],
    /** Title, headings and body length of each page, then the next page's. */
    private readonly lengths: Uint32Array,
    private readonly priors: Uint8Array,
  ) {}

  static async open(source: EntryReads): Promise<ShardReader> {
    const corrupt = (why: string) => new FerryError('BUNDLE_CORRUPT', `${source.label}: ${why}.`);
    if (source.size < SHARD_HEADER_SIZE) throw corrupt('the search shard is cut short');
    const header = await source.read(0, SHARD_HEADER_SIZE);
    if (!header.subarray(0, 8).equals(SHARD_MAGIC)) throw corrupt('not a ferry search shard (wrong magic)');
    const documentCount = header.readUInt32LE(8);
    const blockCount = header.readUInt32LE(16);
    const termBlocksOffset = header.readUInt32LE(20);
    const normsOffset = header.readUInt32LE(24);
    const docOffsetsOffset = header.readUInt32LE(28);
    const blockTableOffset = header.readUInt32LE(32);
    const ordered =
      SHARD_HEADER_SIZE <= termBlocksOffset &&
      termBlocksOffset <= normsOffset &&
      normsOffset <= docOffsetsOffset &&
      docOffsetsOffset + 4 * (documentCount + 1) <= blockTableOffset &&
      blockTableOffset + 8 * blockCount + 4 <= source.size;
    if (!ordered) throw corrupt('the search shard header points outside the shard');

    const table = new ByteReader(await source.read(blockTableOffset, source.size - blockTableOffset), source.label);
    const starts: { offset: number; postings: number }[] = [];
    for (let i = 0; i < blockCount; i++) starts.push({ offset: table.uint32(), postings: table.uint32() });
    const blocksEnd = table.uint32();
    const blocks = starts.map((start, i) => ({
      ...start,
      end: starts[i + 1]?.offset ?? blocksEnd,
      first: Buffer.from(table.stringBytes()),
    }));
    const inOrder = blocks.every(
      (block) =>
        block.offset >= termBlocksOffset &&
        block.offset <= block.end &&
        block.end <= normsOffset &&
        block.postings >= SHARD_HEADER_SIZE &&
        block.postings <= termBlocksOffset,
    );
    if (!inOrder || blocksEnd !== normsOffset) throw corrupt('the search shard block table is damaged');

    const norms = new ByteReader(await source.read(normsOffset, docOffsetsOffset - normsOffset), source.label);
    const lengths = new Uint32Array(documentCount * FIELDS.length);
    const priors = new Uint8Array(documentCount);
    for (let doc = 0; doc < documentCount; doc++) {
      for (let field = 0; field < FIELDS.length; field++) lengths[doc * FIELDS.length + field] = norms.varint();
      priors[doc] = norms.byte();
    }
    return new ShardReader(source, documentCount, docOffsetsOffset, blocks, lengths, priors);
  }

  async term(term: string): Promise<TermInfo | undefined> {
    const key = Buffer.from(term, 'utf8');
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Buffer.compare(this.blocks[middle]!.first, key) <= 0) low = middle + 1;
      else high = middle;
    }
    const block = this.blocks[low - 1];
    if (!block) return undefined;
    const reader = new ByteReader(await this.source.read(block.offset, block.end - block.offset), this.source.label);
    let offset = block.postings;
    let previous = Buffer.alloc(0);
    while (!reader.done) {
      const shared = reader.varint();
      const suffix = reader.stringBytes();
      if (shared > previous.length) throw this.corrupt('a term block is damaged');
      const name = Buffer.concat([previous.subarray(0, shared), suffix]);
      const documents = reader.varint();
      const length = reader.varint();
      const order = Buffer.compare(name, key);
      if (order === 0) {
        if (offset + length > this.source.size || documents > this.documentCount) {
          throw this.corrupt(`the postings of "${term}" run past its end`);
        }
        return { term, documents, offset, length };
      }
      if (order > 0) return undefined;
      offset += length;
      previous = name;
    }
    return undefined;
  }

  async scoredPostings(
    info: TermInfo,
    termIdf: number,
    scoring: CorpusScoring,
    visit: (doc: number, score: number, flags: number) => void,
  ): Promise<void> {
    const reader = new ByteReader(await this.source.read(info.offset, info.length), this.source.label);
    const counts = [0, 0, 0];
    const lengths = [0, 0, 0];
    let doc = 0;
    let first = true;
    while (!reader.done) {
      doc += reader.varint();
      if (doc >= this.documentCount || (!first && doc === 0)) {
        throw this.corrupt(`the postings of "${info.term}" name a missing page`);
      }
      first = false;
      const code = reader.varint();
      const flags = code & (IN_TITLE | IN_HEADINGS);
      counts[2] = Math.floor(code / 4);
      counts[0] = flags & IN_TITLE ? reader.varint() : 0;
      counts[1] = flags & IN_HEADINGS ? reader.varint() : 0;
      for (let field = 0; field < FIELDS.length; field++) lengths[field] = this.lengths[doc * FIELDS.length + field]!;
      visit(doc, termScore(counts, lengths, scoring.averages, termIdf), flags);
    }
  }

  prior(doc: number): number {
    return (this.priors[doc] ?? 255) / 255;
  }

  async document(doc: number): Promise<ShardDocument> {
    if (!Number.isInteger(doc) || doc < 0 || doc >= this.documentCount) throw this.corrupt(`there is no page ${doc}`);
    const offsets = await this.source.read(this.docOffsetsOffset + 4 * doc, 8);
    const start = offsets.readUInt32LE(0);
    const end = offsets.readUInt32LE(4);
    if (end < start || end > this.docOffsetsOffset) throw this.corrupt(`page ${doc} points outside the shard`);
    const reader = new ByteReader(await this.source.read(start, end - start), this.source.label);
    return { path: reader.string(), title: reader.string() };
  }

  private corrupt(why: string): FerryError {
    return new FerryError('BUNDLE_CORRUPT', `${this.source.label}: ${why}.`);
  }
}
