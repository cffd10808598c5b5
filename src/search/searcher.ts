import lunr from 'lunr';
import { EntryKind } from '../bundle/path-index.js';
import type { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { decodeHtml, extractPageText } from '../pack/html-text.js';
import { shardName } from '../bundle/names.js';
import { loadShard, type ShardFile } from './shard.js';
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

interface LoadedShard {
  docs: ShardFile['docs'];
  index: lunr.Index;
}

export interface Candidate {
  searcher: BundleSearcher;
  path: string;
  title: string;
  score: number;
  terms: Set<string>;
  shard: LoadedShard;
}

const EXACT_TITLE_BONUS = 1000;
const TEXT_CACHE_SIZE = 128;
/** Words past this add nothing to a ranking but cost time: a pasted paragraph is cut here. */
const MAX_QUERY_WORDS = 32;

/** Searches one bundle: shards load on first use and stay cached. */
export class BundleSearcher {
  private readonly shards = new Map<number, Promise<LoadedShard>>();
  private titles: Promise<TitleList> | undefined;
  /** Page texts for snippets, most recently used last: popular results are not parsed again. */
  private readonly texts = new Map<string, string>();

  constructor(readonly bundle: Bundle) {}

  private shard(number: number): Promise<LoadedShard> {
    let loading = this.shards.get(number);
    if (!loading) {
      loading = this.loadShard(number);
      loading.catch(() => this.shards.delete(number));
      this.shards.set(number, loading);
    }
    return loading;
  }

  private async loadShard(number: number): Promise<LoadedShard> {
    const record = await this.bundle.resolve(shardName(number));
    if (!record) throw new FerryError('BUNDLE_CORRUPT', `${this.bundle.label}: search shard ${number} is missing.`);
    const file = JSON.parse((await this.bundle.read(record)).toString('utf8')) as ShardFile;
    return { docs: file.docs, index: loadShard(file, this.bundle.manifest.search.language) };
  }

  /** Candidates from every shard, best first; all words must match, else any word may. */
  async candidates(query: string): Promise<Candidate[]> {
    // Edge punctuation goes ("os.path." is "os.path"); inner dots stay.
    const tokens = lunr
      .tokenizer(query)
      .map((token) => token.update((text) => text.replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, '')))
      .filter((token) => token.toString() !== '')
      .slice(0, MAX_QUERY_WORDS);
    if (tokens.length === 0) return [];
    const shards = await Promise.all(
      Array.from({ length: this.bundle.manifest.search.shards }, (_, i) => this.shard(i)),
    );
    let candidates = this.collect(shards, tokens, lunr.Query.presence.REQUIRED);
    if (candidates.length === 0) candidates = this.collect(shards, tokens, lunr.Query.presence.OPTIONAL);
    const wanted = query.trim().toLowerCase();
    for (const candidate of candidates) {
      if (candidate.title.trim().toLowerCase() === wanted) candidate.score += EXACT_TITLE_BONUS;
    }
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
    return shard.docs[Math.floor(Math.random() * shard.docs.length)]?.[0] ?? this.bundle.manifest.mainPage;
  }

  /** A result with its snippet: made only for the results shown. */
  async hit(candidate: Candidate): Promise<SearchHit> {
    return {
      bundle: this.bundle.name,
      path: candidate.path,
      title: candidate.title,
      score: Math.round(candidate.score * 1000) / 1000,
      snippet: await this.snippet(candidate),
    };
  }

  private async snippet(candidate: Candidate): Promise<Snippet> {
    const text = await this.pageText(candidate.path);
    // lunr keeps the search pipeline on the index; its types leave it out.
    const pipeline = (candidate.shard.index as unknown as { pipeline: lunr.Pipeline }).pipeline;
    return makeSnippet(text, candidate.terms, (word) => pipeline.runString(word)[0]);
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

  private collect(shards: LoadedShard[], tokens: lunr.Token[], presence: lunr.Query.presence): Candidate[] {
    return collect(this, shards, tokens, presence);
  }
}

function byScore(a: Candidate, b: Candidate): number {
  return b.score - a.score || a.path.localeCompare(b.path);
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

function collect(
  searcher: BundleSearcher,
  shards: LoadedShard[],
  tokens: lunr.Token[],
  presence: lunr.Query.presence,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const shard of shards) {
    const results = shard.index.query((query) => {
      for (const token of tokens) query.term(token.toString(), { presence });
    });
    for (const result of results) {
      const [path, title] = shard.docs[Number(result.ref)] ?? ['', ''];
      candidates.push({
        searcher,
        path,
        title,
        score: result.score,
        terms: new Set(Object.keys(result.matchData.metadata)),
        shard,
      });
    }
  }
  return candidates;
}
