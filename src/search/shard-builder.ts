import type lunr from 'lunr';
import { analyse, FIELDS, type AnalysedDocument, type SearchDocument } from './analyse.js';
import { createBuilder } from './shard.js';
import { encodeShard } from './shard-format.js';
import { shardIdName, type SearchStats } from './search-stats.js';
import { hash32 } from './term-hash.js';

export type { SearchDocument } from './analyse.js';

/** About this much page text per shard: small enough that an edition touching a few pages changes few shards. */
export const TARGET_TEXT_PER_SHARD = 256_000;
/** A shard is cut here whatever its pages say, so building one never holds more. */
export const MAX_TEXT_PER_SHARD = 2_000_000;
export const MAX_DOCS_PER_SHARD = 1000;

export interface FinishedShard {
  name: string;
  bytes: Buffer;
}

/**
 * Whether a shard ends after this page. The choice depends on the page's path and the power of two
 * below its text length only, never on the pages before it, so pages added or edited elsewhere
 * leave this shard's bounds where they were (content-defined chunking, as rsync and zsync cut
 * files). A page with more text ends a shard more often, so shards hold about the target's text.
 */
export function endsShard(path: string, textLength: number, target: number): boolean {
  const rounded = textLength < 1 ? 0 : 2 ** Math.floor(Math.log2(textLength));
  return hash32(path) / 2 ** 32 < rounded / target;
}

/**
 * Analyses pages as they come and cuts them into shards, so no more than one shard's pages are
 * held at once however large the collection is; counts what scores need over all of them.
 */
export class ShardBuilder {
  private pending: AnalysedDocument[] = [];
  private pendingText = 0;
  private readonly pipeline: lunr.Pipeline;
  private readonly stats: SearchStats = { documents: 0, fieldLengths: FIELDS.map(() => 0), shards: [] };
  private readonly usedIds = new Set<number>();

  constructor(
    language: string,
    private readonly targetText = TARGET_TEXT_PER_SHARD,
  ) {
    this.pipeline = createBuilder(language).pipeline;
  }

  get documents(): number {
    return this.stats.documents;
  }

  /** Adds a page; returns a finished shard when this page ends one. */
  add(document: SearchDocument): FinishedShard | undefined {
    const analysed = analyse(document, this.pipeline);
    this.pending.push(analysed);
    this.pendingText += analysed.textLength;
    this.stats.documents++;
    analysed.lengths.forEach((length, field) => (this.stats.fieldLengths[field]! += length));
    const full =
      endsShard(document.path, analysed.textLength, this.targetText) ||
      this.pending.length >= MAX_DOCS_PER_SHARD ||
      this.pendingText >= MAX_TEXT_PER_SHARD;
    return full ? this.flush() : undefined;
  }

  /** The last, partly filled shard, if any, and the statistics of them all. */
  finish(): { last: FinishedShard | undefined; stats: SearchStats } {
    return { last: this.pending.length > 0 ? this.flush() : undefined, stats: this.stats };
  }

  private flush(): FinishedShard {
    const documents = this.pending;
    this.pending = [];
    this.pendingText = 0;
    // Named by its first page, so the same pages keep the same name in the next edition.
    let id = hash32(documents[0]!.path);
    while (this.usedIds.has(id)) id = (id + 1) >>> 0;
    this.usedIds.add(id);
    this.stats.shards.push({ id, documents: documents.length });
    return { name: shardIdName(id), bytes: encodeShard(documents) };
  }
}
