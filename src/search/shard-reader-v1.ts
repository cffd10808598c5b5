import type { EntryReads } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { ByteReader } from './bytes.js';
import type { CorpusScoring } from './bm25.js';
import {
  readShardHeader,
  SHARD_HEADER_SIZE_V1 as SHARD_HEADER_SIZE,
  SHARD_MAGIC_V1 as SHARD_MAGIC,
  type ShardDocument,
} from './shard-format.js';
import type { SearchShard, TermInfo } from './shard-reader.js';

/** Weights are stored in thousandths, the precision lunr rounds them to. */
const WEIGHT_SCALE = 1000;

/**
 * Reads a shard of format 1 (FORMAT.md §5.4), written before term counts were stored: each
 * posting holds lunr's BM25 weight per field, computed within the shard, which serves as the score.
 */
export class ShardReaderV1 implements SearchShard {
  private constructor(
    private readonly source: EntryReads,
    readonly documentCount: number,
    private readonly docOffsetsOffset: number,
    private readonly blockOffsets: number[],
    private readonly firstTerms: Buffer[],
  ) {}

  get memoryBytes(): number {
    return (
      256 +
      (this.source.heldBytes ?? 0) +
      this.blockOffsets.length * 8 +
      this.firstTerms.reduce((sum, term) => sum + 64 + term.length, 0)
    );
  }

  static async open(source: EntryReads): Promise<ShardReaderV1> {
    const corrupt = (why: string) => new FerryError('BUNDLE_CORRUPT', `${source.label}: ${why}.`);
    const header = await readShardHeader(source, SHARD_MAGIC, SHARD_HEADER_SIZE);
    const documentCount = header.readUInt32LE(8);
    const blockCount = header.readUInt32LE(16);
    const termBlocksOffset = header.readUInt32LE(20);
    const docOffsetsOffset = header.readUInt32LE(24);
    const blockTableOffset = header.readUInt32LE(28);
    const ordered =
      SHARD_HEADER_SIZE <= termBlocksOffset &&
      termBlocksOffset <= docOffsetsOffset &&
      docOffsetsOffset + 4 * (documentCount + 1) <= blockTableOffset &&
      blockTableOffset + 4 * (blockCount + 1) <= source.size;
    if (!ordered) throw corrupt('the search shard header points outside the shard');
    const table = await source.read(blockTableOffset, source.size - blockTableOffset);
    const blockOffsets: number[] = [];
    for (let i = 0; i <= blockCount; i++) blockOffsets.push(table.readUInt32LE(4 * i));
    const reader = new ByteReader(table, source.label);
    reader.position = 4 * (blockCount + 1);
    const firstTerms: Buffer[] = [];
    for (let i = 0; i < blockCount; i++) firstTerms.push(Buffer.from(reader.stringBytes()));
    const inOrder = blockOffsets.every(
      (offset, i) =>
        offset >= termBlocksOffset && offset <= docOffsetsOffset && (i === 0 || offset >= blockOffsets[i - 1]!),
    );
    if (!inOrder) throw corrupt('the search shard block table is damaged');
    return new ShardReaderV1(source, documentCount, docOffsetsOffset, blockOffsets, firstTerms);
  }

  /** The term's entry, or undefined when no document of the shard has it. */
  async term(term: string): Promise<TermInfo | undefined> {
    const key = Buffer.from(term, 'utf8');
    let low = 0;
    let high = this.firstTerms.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (Buffer.compare(this.firstTerms[middle]!, key) <= 0) low = middle + 1;
      else high = middle;
    }
    const block = low - 1;
    if (block < 0) return undefined;
    const start = this.blockOffsets[block]!;
    const reader = new ByteReader(
      await this.source.read(start, this.blockOffsets[block + 1]! - start),
      this.source.label,
    );
    while (!reader.done) {
      const name = reader.stringBytes();
      const documents = reader.varint();
      reader.varint(); // the highest weight of any page, unused
      const info = { documents, offset: reader.varint(), length: reader.varint() };
      const order = Buffer.compare(name, key);
      if (order === 0) {
        if (info.offset + info.length > this.source.size) {
          throw new FerryError('BUNDLE_CORRUPT', `${this.source.label}: the postings of "${term}" run past its end.`);
        }
        return { term, ...info };
      }
      if (order > 0) return undefined;
    }
    return undefined;
  }

  async scoredPostings(
    info: TermInfo,
    _idf: number,
    _scoring: CorpusScoring,
    visit: (doc: number, score: number, flags: number) => void,
  ): Promise<void> {
    const reader = new ByteReader(await this.source.read(info.offset, info.length), this.source.label);
    let doc = 0;
    while (!reader.done) {
      doc += reader.varint();
      if (doc >= this.documentCount) {
        throw new FerryError(
          'BUNDLE_CORRUPT',
          `${this.source.label}: the postings of "${info.term}" name a missing document.`,
        );
      }
      const fieldMask = reader.byte();
      let weight = 0;
      for (let mask = fieldMask; mask !== 0; mask >>= 1) if (mask & 1) weight += reader.varint();
      visit(doc, weight / WEIGHT_SCALE, fieldMask);
    }
  }

  isLive(): boolean {
    return true;
  }

  prior(): number {
    return 1;
  }

  async document(doc: number): Promise<ShardDocument> {
    if (!Number.isInteger(doc) || doc < 0 || doc >= this.documentCount) {
      throw new FerryError('BUNDLE_CORRUPT', `${this.source.label}: there is no document ${doc}.`);
    }
    const offsets = await this.source.read(this.docOffsetsOffset + 4 * doc, 8);
    const start = offsets.readUInt32LE(0);
    const end = offsets.readUInt32LE(4);
    if (end < start || end > this.docOffsetsOffset) {
      throw new FerryError('BUNDLE_CORRUPT', `${this.source.label}: document ${doc} points outside the shard.`);
    }
    const reader = new ByteReader(await this.source.read(start, end - start), this.source.label);
    return { path: reader.string(), title: reader.string() };
  }
}
