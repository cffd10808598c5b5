import { SpillFile } from '../spill-file.js';
import { ByteWriter } from './bytes.js';
import {
  DICTIONARY_MIN_SHARDS,
  DICTIONARY_TERMS_PER_BLOCK,
  listedShardsLimit,
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
 * Gathers the term keys of each shard as pack writes it, and makes `search/terms` (FORMAT.md
 * §5.9) at the end. Memory holds a count per key; the keys of each shard wait in a temporary file
 * until the counts say which terms are listed, so only their shard lists are ever held.
 */
export class TermDictionaryBuilder {
  private readonly counts = new KeyCounts();
  private readonly spill: SpillFile;
  private shards = 0;

  constructor(spillPath: string) {
    this.spill = new SpillFile(spillPath);
  }

  /** The next shard's term keys, in increasing order, as its blocks list them. */
  addShard(shardKeys: Uint32Array): void {
    // Two terms of one key are one in the shard (FORMAT.md §5.4), and count once here.
    const keys = shardKeys.filter((key, i) => i === 0 || key !== shardKeys[i - 1]);
    for (let i = 0; i < keys.length; i++) this.counts.count(keys[i]!);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(keys.length);
    this.spill.append(length);
    this.spill.append(Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength));
    this.shards++;
  }

  /** The dictionary's bytes, or undefined for a bundle of too few shards to need one. */
  encode(): Buffer | undefined {
    if (this.shards < DICTIONARY_MIN_SHARDS) return undefined;
    const limit = listedShardsLimit(this.shards);
    const { keys, counts } = this.counts;
    const sorted = new Uint32Array(this.counts.size);
    let next = 0;
    for (let at = 0; at < keys.length; at++) if (counts[at] !== EMPTY) sorted[next++] = keys[at]!;
    sorted.sort();
    // Where each listed term's shards go in one array, in the terms' order.
    const rank = new Int32Array(keys.length);
    const starts = new Uint32Array(sorted.length + 1);
    for (let i = 0; i < sorted.length; i++) {
      const at = this.counts.slot(sorted[i]!);
      rank[at] = i;
      const count = counts[at]!;
      starts[i + 1] = starts[i]! + (count <= limit ? count : 0);
    }
    const lists = new Uint32Array(starts[sorted.length]!);
    const filled = starts.slice(0, sorted.length);
    this.eachShard((shard, shardKeys) => {
      for (let i = 0; i < shardKeys.length; i++) {
        const at = this.counts.slot(shardKeys[i]!);
        if (counts[at]! <= limit) lists[filled[rank[at]!]!++] = shard;
      }
    });
    return this.layout(sorted, starts, lists);
  }

  /** Reads the shards' keys back from the temporary file, one shard at a time. */
  private eachShard(visit: (shard: number, keys: Uint32Array) => void): void {
    const length = Buffer.alloc(4);
    let position = 0;
    for (let shard = 0; shard < this.shards; shard++) {
      this.spill.read(length, 4, position);
      const keys = new Uint32Array(length.readUInt32LE(0));
      this.spill.read(Buffer.from(keys.buffer), keys.byteLength, position + 4);
      position += 4 + keys.byteLength;
      visit(shard, keys);
    }
  }

  private layout(sorted: Uint32Array, starts: Uint32Array, lists: Uint32Array): Buffer {
    const blocks = new ByteWriter();
    const table = new ByteWriter(16 + 8 * Math.ceil(sorted.length / DICTIONARY_TERMS_PER_BLOCK));
    for (let i = 0; i < sorted.length; i++) {
      const first = i % DICTIONARY_TERMS_PER_BLOCK === 0;
      if (first) {
        table.uint32(sorted[i]!);
        table.uint32(TERMS_HEADER_SIZE + blocks.length);
      }
      blocks.varint(first ? 0 : sorted[i]! - sorted[i - 1]!);
      const count = starts[i + 1]! - starts[i]!;
      blocks.varint(count);
      for (let at = starts[i]!; at < starts[i + 1]!; at++) {
        blocks.varint(at === starts[i] ? lists[at]! : lists[at]! - lists[at - 1]!);
      }
    }
    const tableOffset = TERMS_HEADER_SIZE + blocks.length;
    table.uint32(tableOffset);
    const header = Buffer.alloc(TERMS_HEADER_SIZE);
    TERMS_MAGIC.copy(header, 0);
    header.writeUInt32LE(this.shards, 8);
    header.writeUInt32LE(sorted.length, 12);
    header.writeUInt32LE(Math.ceil(sorted.length / DICTIONARY_TERMS_PER_BLOCK), 16);
    header.writeUInt32LE(tableOffset, 20);
    return Buffer.concat([header, blocks.bytes(), table.bytes()]);
  }

  /** Removes the temporary file. */
  close(): void {
    this.spill.remove();
  }
}
