import type lunr from 'lunr';
import { EntryKind } from '../bundle/path-index.js';
import type { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { decodeHtml, extractPageText } from '../pack/html-text.js';
import { shardName } from '../bundle/names.js';
import { matchShard, parseQuery, type ShardMatch } from './query.js';
import { searchPipeline } from './shard.js';
import type { ShardDocument } from './shard-format.js';
import { ShardReader } from './shard-reader.js';
import { makeSnippet, type Snippet } from './snippet.js';
import { TitleList, type Suggestion } from './titles.js';

export interface SearchHit {
  bundle: string;
  path: string;
  title: string;
  score: number;
  snippet: Snippet;
}

export interface SearchResults {
  query: string;
  total: number;
  offset: number;
  hits: SearchHit[];
}

export interface SearchOptions {
  offset?: number;
  limit?: number;
}

export interface Candidate extends ShardMatch {
  searcher: BundleSearcher;
  shard: number;
}

const EXACT_TITLE_BONUS = 1000;
/** Titles are read only for the best results whose title has every word; one of those is the exact title. */
const EXACT_TITLE_CHECKS = 50;
const TEXT_CACHE_SIZE = 128;
/** Open shards hold their block tables (a few KB each); past this many, the least used are dropped. */
const OPEN_SHARDS = 256;

/** Searches one bundle: a query reads only the terms it needs from each shard. */
export class BundleSearcher {
  private readonly shards = new Map<number, Promise<ShardReader>>();
  private titles: Promise<TitleList> | undefined;
  private pipeline: lunr.Pipeline | undefined;
  /** Page texts for snippets, most recently used last: popular results are not parsed again. */
  private readonly texts = new Map<string, string>();

  constructor(readonly bundle: Bundle) {}

  private get searchPipeline(): lunr.Pipeline {
    return (this.pipeline ??= searchPipeline(this.bundle.manifest.search.language));
  }

  private shard(number: number): Promise<ShardReader> {
    let opening = this.shards.get(number);
    if (opening) {
      this.shards.delete(number);
    } else {
      opening = this.openShard(number);
      opening.catch(() => this.shards.delete(number));
    }
    this.shards.set(number, opening);
    if (this.shards.size > OPEN_SHARDS) this.shards.delete(this.shards.keys().next().value!);
    return opening;
  }

  private async openShard(number: number): Promise<ShardReader> {
    const record = await this.bundle.resolve(shardName(number));
    if (!record) throw new FerryError('BUNDLE_CORRUPT', `${this.bundle.label}: search shard ${number} is missing.`);
    return ShardReader.open(await this.bundle.randomAccess(record));
  }

  private async matchAll(clauses: string[][], required: boolean): Promise<Candidate[]> {
    const count = this.bundle.manifest.search.shards;
    const perShard = await Promise.all(
      Array.from({ length: count }, async (_, shard) =>
        (await matchShard(await this.shard(shard), clauses, required)).map((match) => ({
          ...match,
          searcher: this as BundleSearcher,
          shard,
        })),
      ),
    );
    return perShard.flat();
  }

  /** Candidates from every shard, best first; all words must match, else any word may. */
  async candidates(query: string): Promise<Candidate[]> {
    const clauses = parseQuery(query, this.searchPipeline);
    if (clauses.length === 0) return [];
    let candidates = await this.matchAll(clauses, true);
    if (candidates.length === 0) candidates = await this.matchAll(clauses, false);
    candidates.sort(byScore);
    const wanted = query.trim().toLowerCase();
    const titled = candidates.filter((candidate) => candidate.titleHasAll).slice(0, EXACT_TITLE_CHECKS);
    const titles = await Promise.all(titled.map((candidate) => this.pageOf(candidate)));
    titled.forEach((candidate, i) => {
      if (titles[i]!.title.trim().toLowerCase() === wanted) candidate.score += EXACT_TITLE_BONUS;
    });
    return candidates.sort(byScore);
  }

  search(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    return searchAll([this], query, options);
  }

  /** Titles that start with the prefix, exact title first. */
  async suggest(prefix: string, limit = 10): Promise<Suggestion[]> {
    if (!this.titles) {
      this.titles = TitleList.load(this.bundle);
      this.titles.catch(() => (this.titles = undefined));
    }
    return (await this.titles).suggest(prefix, limit);
  }

  /** A page picked at random: a random shard, then a random document in it. */
  async randomPage(): Promise<string> {
    const count = this.bundle.manifest.search.shards;
    if (count === 0) return this.bundle.manifest.mainPage;
    const shard = await this.shard(Math.floor(Math.random() * count));
    if (shard.documentCount === 0) return this.bundle.manifest.mainPage;
    return (await shard.document(Math.floor(Math.random() * shard.documentCount))).path;
  }

  /** The path and title of a candidate's page. */
  async pageOf(candidate: Candidate): Promise<ShardDocument> {
    return (await this.shard(candidate.shard)).document(candidate.doc);
  }

  /** A result with its snippet: made only for the results shown. */
  async hit(candidate: Candidate): Promise<SearchHit> {
    const { path, title } = await this.pageOf(candidate);
    const pipeline = this.searchPipeline;
    return {
      bundle: this.bundle.name,
      path,
      title,
      score: Math.round(candidate.score * 1000) / 1000,
      snippet: makeSnippet(await this.pageText(path), candidate.terms, (word) => pipeline.runString(word)[0]),
    };
  }

  private async pageText(path: string): Promise<string> {
    let text = this.texts.get(path);
    if (text === undefined) {
      const record = await this.bundle.resolveContent(path);
      text = record?.kind === EntryKind.Page ? extractPageText(decodeHtml(await this.bundle.read(record))).text : '';
    }
    this.texts.delete(path);
    this.texts.set(path, text);
    if (this.texts.size > TEXT_CACHE_SIZE) this.texts.delete(this.texts.keys().next().value!);
    return text;
  }
}

/** Best first; equal scores keep the bundles' and the shards' order, which is path order. */
function byScore(a: Candidate, b: Candidate): number {
  return (
    b.score - a.score ||
    a.searcher.bundle.name.localeCompare(b.searcher.bundle.name) ||
    a.shard - b.shard ||
    a.doc - b.doc
  );
}

/** Runs a query over several bundles and merges their results into one ranking. */
export async function searchAll(
  searchers: BundleSearcher[],
  query: string,
  options: SearchOptions = {},
): Promise<SearchResults> {
  const offset = Math.max(0, options.offset ?? 0);
  const limit = Math.max(1, Math.min(options.limit ?? 10, 100));
  const candidates = (await Promise.all(searchers.map((searcher) => searcher.candidates(query)))).flat().sort(byScore);
  const page = candidates.slice(offset, offset + limit);
  const hits = await Promise.all(page.map((candidate) => candidate.searcher.hit(candidate)));
  return { query, total: candidates.length, offset, hits };
}
