import { crc32 } from '../bundle/crc32.js';
import { SpillFile } from '../spill-file.js';
import type { CorpusScoring } from './bm25.js';
import { ByteWriter } from './bytes.js';
import { exactTitleKeys } from './exact-title.js';
import { bufferReads, ShardReader } from './shard-reader.js';
import {
  DICTIONARY_MIN_SHARDS,
  DICTIONARY_TERMS_PER_BLOCK,
  listedShardsLimit,
  namedShardsLimit,
  storedBound,
  TERMS_HEADER_SIZE,
  TERMS_MAGIC,
} from './term-dictionary.js';

const EMPTY = 0;
const FIRST_CAPACITY = 1 << 16;

/**
 * Term keys and how many shards hold each, in open addressing over typed arrays: a million-page
 * bundle has over a million keys, which a Map would keep at some 80 bytes each.
 */
class KeyCounts {
  keys = new Uint32Array(FIRST_CAPACITY);
  /** Shards holding the key; 0 marks a free slot. */
  counts = new Uint32Array(FIRST_CAPACITY);
  size = 0;

  /** The key's slot, or the free slot where it would go. */
  slot(key: number): number {
    const mask = this.keys.length - 1;
    let at = (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
    while (this.counts[at] !== EMPTY && this.keys[at] !== key) at = (at + 1) & mask;
    return at;
  }

  count(key: number): void {
    const at = this.slot(key);
    if (this.counts[at] === EMPTY) {
      this.keys[at] = key;
      this.size++;
    }
    this.counts[at]!++;
    if (this.size > this.keys.length * 0.7) this.grow();
  }

  private grow(): void {
    const { keys, counts } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.counts = new Uint32Array(keys.length * 2);
    for (let at = 0; at < keys.length; at++) {
      if (counts[at] === EMPTY) continue;
      const to = this.slot(keys[at]!);
      this.keys[to] = keys[at]!;
      this.counts[to] = counts[at]!;
    }
  }
}

/**
 * The common terms' pages and best shards: for each, the `named` shards where it scores best,
 * best first, and the best score of the others.
 */
class BestShards {
  readonly documents: Float64Array;
  readonly sizes: Uint8Array;
  readonly shards: Int32Array;
  readonly bounds: Float64Array;
  readonly rest: Float64Array;

  constructor(
    terms: number,
    readonly named: number,
  ) {
    this.documents = new Float64Array(terms);
    this.sizes = new Uint8Array(terms);
    this.shards = new Int32Array(terms * named);
    this.bounds = new Float64Array(terms * named);
    this.rest = new Float64Array(terms);
  }

  /** The term's named shards in increasing order, each with its bound. */
  best(term: number): { shard: number; bound: number }[] {
    const start = term * this.named;
    return Array.from({ length: this.sizes[term]! }, (_, i) => ({
      shard: this.shards[start + i]!,
      bound: this.bounds[start + i]!,
    })).sort((a, b) => a.shard - b.shard);
  }

  /** Shards come in increasing order: on equal scores the earlier stays first. */
  add(term: number, shard: number, documents: number, bound: number): void {
    this.documents[term]! += documents;
    const start = term * this.named;
    let size = this.sizes[term]!;
    if (size === this.named) {
      if (bound <= this.bounds[start + size - 1]!) {
        this.rest[term] = Math.max(this.rest[term]!, bound);
        return;
      }
      this.rest[term] = Math.max(this.rest[term]!, this.bounds[start + size - 1]!);
      size--;
    }
    let at = start + size;
    for (; at > start && this.bounds[at - 1]! < bound; at--) {
      this.bounds[at] = this.bounds[at - 1]!;
      this.shards[at] = this.shards[at - 1]!;
    }
    this.bounds[at] = bound;
    this.shards[at] = shard;
    this.sizes[term] = size + 1;
  }
}

/** The keys a shard is listed under: its terms', and its pages' exact titles' (exact-title.ts), each once. */
async function shardKeys(shard: ShardReader): Promise<Uint32Array> {
  const titles = (await shard.titles()).flatMap(exactTitleKeys);
  const keys = await shard.termKeys();
  const all = new Uint32Array(keys.length + titles.length);
  all.set(keys);
  all.set(titles, keys.length);
  all.sort();
  return all.filter((key, i) => i === 0 || key !== all[i - 1]);
}

/**
 * Gathers the shards as pack writes them, and makes `search/terms` (FORMAT.md §5.9) at the end.
 * Memory holds a count per term key; the shards wait in a temporary file until the counts say
 * which terms are listed and which are common, and the corpus statistics are known that score
 * the common ones.
 */
export class TermDictionaryBuilder {
  private readonly counts = new KeyCounts();
  private readonly spill: SpillFile;
  private shards = 0;

  constructor(spillPath: string) {
    this.spill = new SpillFile(spillPath);
  }

  /** The next shard, as written. */
  async addShard(bytes: Buffer, label: string): Promise<void> {
    const keys = await shardKeys(await ShardReader.open(bufferReads(bytes, label)));
    for (let i = 0; i < keys.length; i++) this.counts.count(keys[i]!);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    this.spill.append(length);
    this.spill.append(bytes);
    this.shards++;
  }

  /**
   * The dictionary's bytes, or undefined for a bundle of too few shards to need one. `scoring`:
   * the averages of `search/shards`, which a query scores with.
   */
  async encode(scoring: CorpusScoring): Promise<Buffer | undefined> {
    if (this.shards < DICTIONARY_MIN_SHARDS) return undefined;
    const limit = listedShardsLimit(this.shards);
    const { keys, counts } = this.counts;
    const sorted = new Uint32Array(this.counts.size);
    let next = 0;
    for (let at = 0; at < keys.length; at++) if (counts[at] !== EMPTY) sorted[next++] = keys[at]!;
    sorted.sort();
    // Each listed term's shards go in one array, in the terms' order; each common term has a place in `best`.
    const rank = new Int32Array(keys.length);
    const starts = new Uint32Array(sorted.length + 1);
    const commonRank = new Int32Array(sorted.length).fill(-1);
    let common = 0;
    for (let i = 0; i < sorted.length; i++) {
      const at = this.counts.slot(sorted[i]!);
      rank[at] = i;
      const count = counts[at]!;
      starts[i + 1] = starts[i]! + (count <= limit ? count : 0);
      if (count > limit) commonRank[i] = common++;
    }
    const lists = new Uint32Array(starts[sorted.length]!);
    const filled = starts.slice(0, sorted.length);
    const best = new BestShards(common, namedShardsLimit(this.shards));
    const isCommon = (key: number) => counts[this.counts.slot(key)]! > limit;
    await this.eachShard(async (shard, reader) => {
      const held = await shardKeys(reader);
      for (let i = 0; i < held.length; i++) {
        const at = this.counts.slot(held[i]!);
        if (counts[at]! <= limit) lists[filled[rank[at]!]!++] = shard;
      }
      await reader.bestScores(isCommon, scoring, (key, documents, bound) =>
        best.add(commonRank[rank[this.counts.slot(key)]!]!, shard, documents, bound),
      );
    });
    return this.layout(sorted, starts, lists, commonRank, best);
  }

  /** Reads the shards back from the temporary file, one at a time. */
  private async eachShard(visit: (shard: number, reader: ShardReader) => Promise<void>): Promise<void> {
    const length = Buffer.alloc(4);
    let position = 0;
    for (let shard = 0; shard < this.shards; shard++) {
      this.spill.read(length, 4, position);
      const bytes = Buffer.allocUnsafe(length.readUInt32LE(0));
      this.spill.read(bytes, bytes.length, position + 4);
      position += 4 + bytes.length;
      await visit(shard, await ShardReader.open(bufferReads(bytes, `search shard ${shard}`)));
    }
  }

  private layout(
    sorted: Uint32Array,
    starts: Uint32Array,
    lists: Uint32Array,
    commonRank: Int32Array,
    best: BestShards,
  ): Buffer {
    const blocks = new ByteWriter();
    const blockStarts: number[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const first = i % DICTIONARY_TERMS_PER_BLOCK === 0;
      if (first) blockStarts.push(blocks.length);
      blocks.varint(first ? 0 : sorted[i]! - sorted[i - 1]!);
      const term = commonRank[i]!;
      if (term >= 0) {
        // A common term: its pages, its best shards with their bounds, and the others' bound.
        blocks.varint(0);
        blocks.varint(best.documents[term]!);
        const named = best.best(term);
        blocks.varint(named.length);
        named.forEach(({ shard, bound }, i) => {
          blocks.varint(i === 0 ? shard : shard - named[i - 1]!.shard);
          blocks.uint16(storedBound(bound));
        });
        blocks.uint16(storedBound(best.rest[term]!));
        continue;
      }
      blocks.varint(starts[i + 1]! - starts[i]!);
      for (let at = starts[i]!; at < starts[i + 1]!; at++) {
        blocks.varint(at === starts[i] ? lists[at]! : lists[at]! - lists[at - 1]!);
      }
    }
    const body = blocks.bytes();
    const tableOffset = TERMS_HEADER_SIZE + body.length;
    // Each block's first key, offset and CRC-32, then where the blocks end.
    const table = new ByteWriter(8 + 12 * blockStarts.length);
    blockStarts.forEach((start, block) => {
      const end = blockStarts[block + 1] ?? body.length;
      table.uint32(sorted[block * DICTIONARY_TERMS_PER_BLOCK]!);
      table.uint32(TERMS_HEADER_SIZE + start);
      table.uint32(crc32(body.subarray(start, end)));
    });
    table.uint32(tableOffset);
    const header = Buffer.alloc(TERMS_HEADER_SIZE);
    TERMS_MAGIC.copy(header, 0);
    header.writeUInt32LE(this.shards, 8);
    header.writeUInt32LE(sorted.length, 12);
    header.writeUInt32LE(blockStarts.length, 16);
    header.writeUInt32LE(tableOffset, 20);
    const tableBytes = table.bytes();
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32(tableBytes, crc32(header)));
    return Buffer.concat([header, body, tableBytes, checksum]);
  }

  /** Removes the temporary file. */
  close(): void {
    this.spill.remove();
  }
}
