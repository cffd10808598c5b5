import type lunr from 'lunr';
import { analyse, FIELDS, type AnalysedDocument, type SearchDocument } from './analyse.js';
import { createBuilder, termPrefix } from './pipelines.js';
import { encodeShard } from './shard-encoder.js';
import type { BaseIndex } from './base-index.js';
import { analysedFingerprint } from './page-fingerprint.js';
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

/** A shard to write: made now, or a shard of the base edition kept as it is (`fromBase`, its number there). */
export type FinishedShard = MadeShard | { name: string; fromBase: number };
export interface MadeShard {
  name: string;
  bytes: Buffer;
}

/**
 * A shard of the base edition is kept when at least this share of its pages are unchanged; the
 * others are marked dead in it and indexed again in a delta shard. Past it, the shard is made
 * anew, which clears its dead pages: the index never carries more than about an eighth dead.
 */
const KEEP_SHARE = 7 / 8;
/** Delta shards are cut this much smaller, so an edition's new changes touch few of them. */
const DELTA_DIVISOR = 8;

interface PendingPage {
  analysed: AnalysedDocument;
  /** What the index holds of it (page-fingerprint.ts), when there is a base to compare with. */
  fingerprint?: number;
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

/** Whether a run of `pages` pages and `text` characters ends after this page: where its path cuts, or at the limits. */
function runEnds(path: string, textLength: number, target: number, pages: number, text: number): boolean {
  return endsShard(path, textLength, target) || pages >= MAX_DOCS_PER_SHARD || text >= MAX_TEXT_PER_SHARD;
}

/**
 * Analyses pages as they come and cuts them into shards, so no more than one shard's pages are
 * held at once however large the collection is; counts what scores need over all of them.
 */
export class ShardBuilder {
  private pending: PendingPage[] = [];
  private pendingText = 0;
  /** Changed pages of kept base shards, with the base: they are indexed again in delta shards. */
  private delta: AnalysedDocument[] = [];
  private deltaText = 0;
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
  /** Shards of the base edition already kept, by their number there. */
  private readonly keptShards = new Set<number>();

  /** `languages`: the bundle's, as its metadata lists them (ISO 639-3, comma-separated, main first). */
  constructor(
    languages: string,
    private readonly targetText = TARGET_TEXT_PER_SHARD,
    /** The previous edition's index, whose shards are kept where their pages have not changed. */
    private readonly base?: BaseIndex,
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

  /** Adds a page; returns the shards this page finishes. */
  add(document: SearchDocument): FinishedShard[] {
    const language = document.language ?? this.mainLanguage;
    const prefix = termPrefix(language, this.mainLanguage);
    const analysed = analyse(document, this.pipelineFor(language), prefix);
    if (prefix) this.stats.languagePages.set(prefix, (this.stats.languagePages.get(prefix) ?? 0) + 1);
    this.pending.push(this.base ? { analysed, fingerprint: analysedFingerprint(analysed) } : { analysed });
    this.pendingText += analysed.textLength;
    this.stats.documents++;
    analysed.lengths.forEach((length, field) => (this.stats.fieldLengths[field]! += length));
    const ends = runEnds(document.path, analysed.textLength, this.targetText, this.pending.length, this.pendingText);
    return ends ? this.flush() : [];
  }

  /** The last shards, and the statistics of them all. */
  finish(): { last: FinishedShard[]; stats: SearchStats } {
    const last = this.pending.length > 0 ? this.flush() : [];
    if (this.delta.length > 0) last.push(this.flushDelta());
    return { last, stats: this.stats };
  }

  private flush(): FinishedShard[] {
    const pages = this.pending;
    this.pending = [];
    this.pendingText = 0;
    const kept = this.keepBaseShard(pages);
    if (kept) return kept;
    const documents = pages.map((page) => page.analysed);
    // Named by its first page, so the same pages keep the same name in the next edition.
    const id = this.freeId(hash32(documents[0]!.path));
    this.stats.shards.push({ id, documents: documents.length, delta: false, dead: [] });
    return [{ name: shardIdName(id), bytes: encodeShard(documents) }];
  }

  /**
   * With a base edition: the base shard (not a delta) that holds most of these pages unchanged is
   * kept as it is when they are at least KEEP_SHARE of its pages. Its other pages are marked
   * dead, and these pages that it does not hold unchanged go to delta shards.
   */
  private keepBaseShard(pages: PendingPage[]): FinishedShard[] | undefined {
    const base = this.base;
    if (!base) return undefined;
    // Base shard → its docs found unchanged here, and which of these pages they are.
    const unchanged = new Map<number, Map<number, PendingPage>>();
    for (const page of pages) {
      const slot = base.live.get(page.analysed.path);
      if (!slot || slot.fingerprint !== page.fingerprint || this.keptShards.has(slot.shard)) continue;
      if (base.shards[slot.shard]!.listing.delta) continue;
      let docs = unchanged.get(slot.shard);
      if (!docs) unchanged.set(slot.shard, (docs = new Map()));
      // Two pages of one slot (their paths' keys alike): the first only is the page that slot holds.
      if (!docs.has(slot.doc)) docs.set(slot.doc, page);
    }
    let shard = -1;
    let alive = new Map<number, PendingPage>();
    for (const [candidate, docs] of unchanged) {
      if (docs.size > alive.size || (docs.size === alive.size && candidate < shard)) [shard, alive] = [candidate, docs];
    }
    if (shard < 0) return undefined;
    const { listing } = base.shards[shard]!;
    if (alive.size < Math.ceil(listing.documents * KEEP_SHARE)) return undefined;
    this.keptShards.add(shard);
    // Every page the kept shard does not hold alive goes to a delta shard, whatever its slot said.
    const kept = new Set(alive.values());
    const changed = pages.filter((page) => !kept.has(page)).map(({ analysed }) => analysed);
    const dead: number[] = [];
    for (let doc = 0; doc < listing.documents; doc++) if (!alive.has(doc)) dead.push(doc);
    const id = this.freeId(listing.id);
    this.stats.shards.push({ id, documents: listing.documents, delta: false, dead });
    const finished: FinishedShard[] = [{ name: shardIdName(id), fromBase: shard }];
    for (const document of changed) {
      this.delta.push(document);
      this.deltaText += document.textLength;
      const target = this.targetText / DELTA_DIVISOR;
      if (runEnds(document.path, document.textLength, target, this.delta.length, this.deltaText)) {
        finished.push(this.flushDelta());
      }
    }
    return finished;
  }

  private flushDelta(): MadeShard {
    const documents = this.delta;
    this.delta = [];
    this.deltaText = 0;
    // Named apart from the shard a fresh pack would start with the same page.
    const id = this.freeId(hash32(`delta:${documents[0]!.path}`));
    this.stats.shards.push({ id, documents: documents.length, delta: true, dead: [] });
    return { name: shardIdName(id), bytes: encodeShard(documents) };
  }

  /** The id, or the next unused one after it when two shards would share a name. */
  private freeId(wanted: number): number {
    let id = wanted;
    while (this.usedIds.has(id)) id = (id + 1) >>> 0;
    this.usedIds.add(id);
    return id;
  }
}
