import type lunr from 'lunr';
import { analyse, FIELDS, type AnalysedDocument, type SearchDocument } from './analyse.js';
import { createBuilder, termPrefix } from './pipelines.js';
import { encodeShard } from './shard-encoder.js';
import { shardIdName, type SearchStats } from './search-stats.js';
import { hash32 } from './term-hash.js';

export type { SearchDocument } from './analyse.js';

/** About this much page text per shard: small enough that an edition touching a few pages changes few shards. */
export const TARGET_TEXT_PER_SHARD = 256_000;
/** Up to this many pages, shards keep the target above; past it, they grow with the collection. */
const PAGES_AT_TARGET = 4096;

/**
 * The text per shard for a collection of about `pages` pages. A large collection has shards up
 * to eight times larger, so a query does not visit thousands of them; an edition's edits are
 * spread over all its shards anyway. Powers of two, so an edition a little larger or smaller
 * than the last keeps the same bounds.
 */
export function targetTextFor(pages: number): number {
  const growth = 2 ** Math.max(0, Math.round(Math.log2(Math.max(1, pages) / PAGES_AT_TARGET)));
  return TARGET_TEXT_PER_SHARD * Math.min(8, growth);
}
/** A shard is cut here whatever its pages say, so building one never holds more. */
export const MAX_TEXT_PER_SHARD = 4_000_000;
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
  /** Index pipelines by language: each page is stemmed as its own language's. */
  private readonly pipelines = new Map<string, lunr.Pipeline>();
  private readonly mainLanguage: string;
  private readonly languagesSeen: string[];
  private readonly stats: SearchStats = {
    documents: 0,
    fieldLengths: FIELDS.map(() => 0),
    shards: [],
    languagePages: new Map(),
  };
  private readonly usedIds = new Set<number>();

  /** `languages`: the bundle's, as its metadata lists them (ISO 639-3, comma-separated, main first). */
  constructor(
    languages: string,
    private readonly targetText = TARGET_TEXT_PER_SHARD,
  ) {
    this.languagesSeen = languages.split(',').filter((code) => code !== '');
    this.mainLanguage = this.languagesSeen[0] ?? 'eng';
  }

  /** The bundle's languages and those of its pages, main first: a query is read in each (FORMAT.md §5.1). */
  get languages(): string {
    return this.languagesSeen.join(',');
  }

  private pipelineFor(code: string): lunr.Pipeline {
    let pipeline = this.pipelines.get(code);
    if (!pipeline) {
      pipeline = createBuilder(code).pipeline;
      this.pipelines.set(code, pipeline);
      if (!this.languagesSeen.includes(code)) this.languagesSeen.push(code);
    }
    return pipeline;
  }

  get documents(): number {
    return this.stats.documents;
  }

  /** Adds a page; returns a finished shard when this page ends one. */
  add(document: SearchDocument): FinishedShard | undefined {
    const language = document.language ?? this.mainLanguage;
    const prefix = termPrefix(language, this.mainLanguage);
    const analysed = analyse(document, this.pipelineFor(language), prefix);
    if (prefix) this.stats.languagePages.set(prefix, (this.stats.languagePages.get(prefix) ?? 0) + 1);
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
