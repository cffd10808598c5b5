import { EntryKind } from '../bundle/path-index.js';
import type { Manifest } from '../bundle/manifest.js';
import type { EntryReads, RandomAccessOptions, StoredRecord } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { decodeText } from '../pack/charset.js';
import { extractPageText, type PageText } from '../pack/html-text.js';
import { bestSection } from './sections.js';
import { termsOf, type ShardMatches } from './match.js';
import { parseQuery } from './parse.js';
import type { QueryLanguage } from './pipelines.js';
import { allClauses, bestMatches, bestTitled, EXACT_TITLE_BONUS } from './rank.js';
import { listShards, queryLanguages, type ShardList } from './shard-list.js';
import type { ShardDocument } from './shard-format.js';
import { openShard, type SearchShard } from './shard-reader.js';
import { ShardWithDeadPages } from './dead-pages.js';
import { makeSnippet, type Snippet } from './snippet.js';
import { foldTitle, TitleList, type Suggestion } from './titles.js';
import { BudgetedLru, textBytes } from '../cache-budget.js';
import { TermDictionary, TERMS_NAME } from './term-dictionary.js';
import { matchPlanned } from './shard-plan.js';
import { isExactTitle } from './exact-title.js';

/** What searching needs of a bundle: the server's Bundle, or the standalone reader's. */
export interface SearchableBundle {
  readonly name: string;
  readonly label: string;
  readonly manifest: Pick<Manifest, 'mainPage' | 'search' | 'version'>;
  resolve(name: string): Promise<StoredRecord | undefined>;
  resolveContent(path: string): Promise<StoredRecord | undefined>;
  randomAccess(record: StoredRecord, options?: RandomAccessOptions): Promise<EntryReads>;
  read(record: StoredRecord): Promise<Buffer>;
}

export interface SearchHit {
  bundle: string;
  path: string;
  /** The id of the section of the page the query is about, when one is: link to `path#section`. */
  section?: string;
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

export interface Candidate {
  searcher: BundleSearcher;
  shard: number;
  doc: number;
  score: number;
  /** The query terms the page has, for its snippet. */
  terms: Set<string>;
  /** The query as typed: a section whose heading it is opens the result. */
  query: string;
}

/** How many pages match, and the best of them. */
export interface Candidates {
  total: number;
  best: Candidate[];
}

const TEXT_CACHE_SIZE = 128;
const SNIPPET_CACHE_SIZE = 1024;
const DOCUMENT_CACHE_SIZE = 8192;
/** Results past this are not ranked: nobody pages that far, and each one costs the query. */
const MAX_OFFSET = 1000;
/**
 * Open shards hold their block tables and page norms (a few KB each, 25 KB at most); past this
 * many, or past the cache budget, the least used are dropped. A query visits every shard, so all
 * of a large bundle's should stay open: a million pages make 1,586 shards, and with room for
 * 1,024 every query opened them all again (warm p50 949 ms; 72 ms with all open).
 */
const OPEN_SHARDS = 16384;

function shardBytes(shard: SearchShard): number {
  return shard.memoryBytes;
}

function pageTextBytes(page: PageText): number {
  return (
    256 +
    textBytes(page.title) +
    textBytes(page.headings) +
    textBytes(page.text) +
    page.sections.reduce((sum, section) => sum + 64 + textBytes(section.text) + textBytes(section.heading), 0)
  );
}

/** Searches one bundle: a query reads only the terms it needs from each shard. */
export class BundleSearcher {
  private readonly shards = new BudgetedLru<number, Promise<SearchShard>>(OPEN_SHARDS, shardBytes);
  private shardList: Promise<ShardList> | undefined;
  private dictionary: Promise<TermDictionary | undefined> | undefined;
  private titles: Promise<TitleList> | undefined;
  private pipelines: QueryLanguage[] | undefined;
  /** Page texts and snippets of recent results, so a popular query does not parse its pages again. */
  private readonly texts = new BudgetedLru<string, Promise<PageText>>(TEXT_CACHE_SIZE, pageTextBytes);
  private readonly snippets = new BudgetedLru<string, { snippet: Snippet; section?: string }>(
    SNIPPET_CACHE_SIZE,
    ({ snippet }) => 96 + textBytes(snippet.text) + 16 * snippet.marks.length,
  );
  /** Paths and titles of recent results and exact-title checks. */
  private readonly documents = new BudgetedLru<string, ShardDocument>(
    DOCUMENT_CACHE_SIZE,
    (document) => 64 + textBytes(document.path) + textBytes(document.title),
  );

  /** `name` is the bundle's name in links, when a library gives it another (two bundles of one name). */
  constructor(
    readonly bundle: SearchableBundle,
    readonly name = bundle.name,
  ) {}

  /** The languages a query is read in: every language of the bundle's pages (FORMAT.md §5.1). */
  private get languages(): QueryLanguage[] {
    return (this.pipelines ??= queryLanguages(this.bundle.manifest));
  }

  /** The shards' names and the corpus statistics, read once. */
  private listing(): Promise<ShardList> {
    if (!this.shardList) {
      this.shardList = listShards(this.bundle);
      this.shardList.catch(() => (this.shardList = undefined));
    }
    return this.shardList;
  }

  /** `search/terms`, read once; a bundle of few shards, or of an older ferry, has none. */
  private termDictionary(): Promise<TermDictionary | undefined> {
    if (!this.dictionary) {
      this.dictionary = (async () => {
        const record = await this.bundle.resolve(TERMS_NAME);
        if (!record) return undefined;
        const { names } = await this.listing();
        return TermDictionary.open(await this.bundle.randomAccess(record, { deferCheck: true }), names.length);
      })();
      this.dictionary.catch(() => (this.dictionary = undefined));
    }
    return this.dictionary;
  }

  private shard(number: number): Promise<SearchShard> {
    return this.shards.remember(number, () => this.openShard(number));
  }

  private async openShard(number: number): Promise<SearchShard> {
    const listing = await this.listing();
    const name = listing.names[number]!;
    const record = await this.bundle.resolve(name);
    if (!record) throw new FerryError('BUNDLE_CORRUPT', `${this.bundle.label}: search shard ${name} is missing.`);
    const shard = await openShard(await this.bundle.randomAccess(record));
    const dead = listing.dead[number];
    return dead ? new ShardWithDeadPages(shard, dead) : shard;
  }

  /**
   * How many pages match and the `wanted` best, best first: parse, match and rank (match.ts,
   * rank.ts). Only the best become objects, so a common word over many shards stays cheap.
   */
  async candidates(query: string, wanted: number): Promise<Candidates> {
    const parsed = parseQuery(query, this.languages);
    if (parsed.clauses.length === 0) return { total: 0, best: [] };
    const { names, corpus } = await this.listing();
    const dictionary = await this.termDictionary();
    const open = (number: number) => this.shard(number);
    const { visited, total } = await matchPlanned(query, parsed, corpus, names.length, dictionary, open, wanted);
    const matches = visited.map((shard) => shard.matches);
    const numbers = visited.map((shard) => shard.number);
    await this.boostExactTitles(matches, numbers, query, allClauses(parsed));
    const best = bestMatches(matches, wanted).map(([at, match]) => ({
      searcher: this as BundleSearcher,
      shard: numbers[at]!,
      doc: matches[at]!.docs[match]!,
      score: matches[at]!.scores[match]!,
      terms: termsOf(parsed, matches[at]!.termBits[match]!),
      query,
    }));
    return { total, best };
  }

  /** A page whose title is the query comes first: its title whole, or before the site's name. */
  private async boostExactTitles(
    matches: ShardMatches[],
    numbers: number[],
    query: string,
    all: number,
  ): Promise<void> {
    const titled = bestTitled(matches, all);
    const pages = await Promise.all(
      titled.map(([visited, at]) => this.pageOf({ shard: numbers[visited]!, doc: matches[visited]!.docs[at]! })),
    );
    titled.forEach(([shard, at], i) => {
      if (isExactTitle(pages[i]!.title, query)) matches[shard]!.scores[at]! += EXACT_TITLE_BONUS;
    });
  }

  search(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    return searchAll([this], query, options);
  }

  /** Titles that start with the prefix, exact title first. */
  async suggest(prefix: string, limit = 10): Promise<Suggestion[]> {
    if (!this.titles) {
      this.titles = TitleList.open(this.bundle);
      this.titles.catch(() => (this.titles = undefined));
    }
    return await (await this.titles).suggest(prefix, limit);
  }

  /** A page picked at random: a random shard, then a random document in it. */
  async randomPage(): Promise<string> {
    const count = (await this.listing()).names.length;
    if (count === 0) return this.bundle.manifest.mainPage;
    const shard = await this.shard(Math.floor(Math.random() * count));
    const start = Math.floor(Math.random() * shard.documentCount);
    // A dead page may name a page the bundle no longer has: the next live one is as random.
    for (let step = 0; step < shard.documentCount; step++) {
      const doc = (start + step) % shard.documentCount;
      if (shard.isLive(doc)) return (await shard.document(doc)).path;
    }
    return this.bundle.manifest.mainPage;
  }

  /** The path and title of a candidate's page. */
  async pageOf(candidate: Pick<Candidate, 'shard' | 'doc'>): Promise<ShardDocument> {
    const key = `${candidate.shard}:${candidate.doc}`;
    let page = this.documents.get(key);
    if (!page) {
      page = await (await this.shard(candidate.shard)).document(candidate.doc);
      this.documents.set(key, page);
    }
    return page;
  }

  /** A result with its snippet: made only for the results shown. */
  async hit(candidate: Candidate): Promise<SearchHit> {
    const { path, title } = await this.pageOf(candidate);
    const { snippet, section } = await this.snippet(path, title, candidate.query, candidate.terms);
    return {
      bundle: this.name,
      path,
      ...(section === undefined ? {} : { section }),
      title,
      score: Math.round(candidate.score * 1000) / 1000,
      snippet,
    };
  }

  /** The snippet, from the section whose heading is the query, or has most of it when one has any of it. */
  private async snippet(
    path: string,
    title: string,
    query: string,
    terms: Set<string>,
  ): Promise<{ snippet: Snippet; section?: string }> {
    const key = `${path}\n${foldTitle(query)}\n${[...terms].sort().join(' ')}`;
    let found = this.snippets.get(key);
    if (!found) {
      // A word as the language that matched it reads it: the first form that is a matched term.
      // A page says most words many times, so each is run through the stemmers once.
      const languages = this.languages;
      const forms = new Map<string, string | undefined>();
      const normalise = (word: string) => {
        if (forms.has(word)) return forms.get(word);
        let chosen: string | undefined;
        for (const { search, prefix } of languages) {
          const made = search.runString(word)[0];
          const form = made === undefined ? undefined : prefix + made;
          chosen ??= form;
          if (form !== undefined && terms.has(form)) {
            chosen = form;
            break;
          }
        }
        forms.set(word, chosen);
        return chosen;
      };
      const page = await this.pageText(path);
      const section = bestSection(title, page.sections, query, terms, normalise);
      const snippet = makeSnippet(section?.text ?? page.text, terms, normalise);
      found = section ? { snippet, section: section.anchor } : { snippet };
      this.snippets.set(key, found);
    }
    return found;
  }

  /** Concurrent searches that show the same page share one read and parse of it. */
  private pageText(path: string): Promise<PageText> {
    return this.texts.remember(path, () => this.readPageText(path));
  }

  private async readPageText(path: string): Promise<PageText> {
    const record = await this.bundle.resolveContent(path);
    if (record?.kind !== EntryKind.Page)
      return {
        title: '',
        heading: '',
        headings: '',
        text: '',
        sections: [],
        linkShare: 0,
        codeShare: 0,
        language: '',
        names: '',
        headingTexts: [],
      };
    return extractPageText(decodeText(await this.bundle.read(record), record.locator.mediaType), { sections: true });
  }
}

/** Best first; equal scores keep the bundles' order, then the shards' and documents' (path order). */
function byScore(a: Candidate, b: Candidate): number {
  const nameA = a.searcher.name;
  const nameB = b.searcher.name;
  return b.score - a.score || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0) || a.shard - b.shard || a.doc - b.doc;
}

/** Runs a query over several bundles and merges their results into one ranking. */
export async function searchAll(
  searchers: BundleSearcher[],
  query: string,
  options: SearchOptions = {},
): Promise<SearchResults> {
  const offset = Math.max(0, Math.min(options.offset ?? 0, MAX_OFFSET));
  const limit = Math.max(1, Math.min(options.limit ?? 10, 100));
  const lists = await Promise.all(searchers.map((searcher) => searcher.candidates(query, offset + limit)));
  const page = lists
    .flatMap((list) => list.best)
    .sort(byScore)
    .slice(offset, offset + limit);
  const hits = await Promise.all(page.map((candidate) => candidate.searcher.hit(candidate)));
  return { query, total: lists.reduce((sum, list) => sum + list.total, 0), offset, hits };
}
