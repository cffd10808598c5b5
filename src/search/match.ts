import { idf, type CorpusScoring } from './bm25.js';
import type { ParsedQuery } from './parse.js';
import { IN_HEADINGS, IN_TITLE } from './shard-format.js';
import type { SearchShard, TermInfo } from './shard-reader.js';

/** Terms a match remembers for its snippet; a term bit set is 32 bits wide. */
export const MARKED_TERMS = 32;

/** What scores need of the whole bundle. */
export interface Corpus extends CorpusScoring {
  documents: number;
  /** Pages in each language other than the main one, by term prefix: a term's rarity is counted among its language's pages. */
  languagePages: Map<string, number>;
}

/** Pages of the term's language: a German term (`deu:haus`) is rare or common among German pages. */
function pagesOfLanguage(term: string, corpus: Corpus): number {
  const colon = term.indexOf(':');
  return (
    (colon > 0 ? corpus.languagePages.get(term.slice(0, colon + 1)) : undefined) ??
    corpus.documents - otherPages(corpus)
  );
}

/** A term's idf among the pages of its language, `withTerm` of them having it. */
export function termIdf(term: string, withTerm: number, corpus: Corpus): number {
  const pages = pagesOfLanguage(term, corpus);
  // Dead pages (dead-pages.ts) count among those with the term, never past all pages.
  return idf(pages, Math.min(pages, withTerm));
}

/** How many times each term of the query counts in a page's BM25 sum: once per clause that has it. */
export function termRepeats(query: ParsedQuery): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { terms } of query.clauses) for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

function otherPages(corpus: Corpus): number {
  let pages = 0;
  for (const count of corpus.languagePages.values()) pages += count;
  return pages;
}

/**
 * A shard's pages that have any query term, in page order, as parallel typed arrays: a common
 * word matches half a million pages of a large bundle, and arrays of numbers grown a page at a
 * time kept the garbage collector busy for a quarter of every query.
 */
export interface ShardMatches {
  docs: Int32Array;
  /** The sum of the page's BM25 scores (bm25.ts) for the query's terms; rank.ts makes the final score of it. */
  scores: Float64Array;
  /** Bit i: clause i matched, by any of its terms. */
  clauses: Int32Array;
  /** Bit i: clause i matched by its first term, the word whole (`os.path`), not only its parts. */
  wholeClauses: Int32Array;
  /** Bit i: clause i matched in the title. */
  titleClauses: Int32Array;
  /** Bit i: clause i matched in the section headings. */
  headingClauses: Int32Array;
  /** Bit i: the page has `terms[i]` (for the first 32 terms), for its snippet. */
  termBits: Int32Array;
  /** 1 when one of the page's section headings is the query (parse.ts phrases), else 0. */
  phrases: Uint8Array;
}

/** The arrays of `count` matches, views of one buffer: a typed array is costly to make, and a query made eight per shard. */
function shardMatches(count: number): ShardMatches {
  const buffer = new ArrayBuffer(count * (8 + 6 * 4 + 1));
  const int32 = (index: number) => new Int32Array(buffer, count * (8 + 4 * index), count);
  return {
    scores: new Float64Array(buffer, 0, count),
    docs: int32(0),
    clauses: int32(1),
    wholeClauses: int32(2),
    titleClauses: int32(3),
    headingClauses: int32(4),
    termBits: int32(5),
    phrases: new Uint8Array(buffer, count * (8 + 6 * 4), count),
  };
}

/**
 * The second step of a search (parse → match → rank → snippet): finds each query term in every
 * shard, counts the pages that have it over the whole bundle (its idf), then scores the pages that
 * have any term. Every clause is optional; rank.ts rewards the pages that cover the query.
 */
export async function matchShards(
  shards: SearchShard[],
  query: ParsedQuery,
  corpus: Corpus,
  /** Pages of the bundle that have each term, when some shards are left out (the term dictionary knows). */
  documents?: number[],
): Promise<ShardMatches[]> {
  const found = await Promise.all(shards.map((shard) => Promise.all(query.terms.map((term) => shard.term(term)))));
  // A shard is asked for the query's phrase only when it has every word whole: a page whose
  // heading is the query has them all, and most shards lack some word of most queries.
  const wholes = query.clauses.map(({ whole }) => [...whole].map((term) => query.terms.indexOf(term)));
  const noPhrases = query.phrases.map(() => undefined);
  const phrases = await Promise.all(
    shards.map((shard, s) => {
      const all = wholes.every((positions) => positions.some((i) => found[s]![i] !== undefined));
      return all ? Promise.all(query.phrases.map((term) => shard.term(term))) : noPhrases;
    }),
  );
  const idfs = query.terms.map((term, i) =>
    termIdf(term, documents?.[i] ?? found.reduce((sum, infos) => sum + (infos[i]?.documents ?? 0), 0), corpus),
  );
  return Promise.all(shards.map((shard, s) => matchShard(shard, found[s]!, phrases[s]!, query, idfs, corpus)));
}

async function matchShard(
  shard: SearchShard,
  infos: (TermInfo | undefined)[],
  phraseInfos: (TermInfo | undefined)[],
  query: ParsedQuery,
  idfs: number[],
  corpus: Corpus,
): Promise<ShardMatches> {
  if (infos.every((info) => info === undefined)) return shardMatches(0);
  const counts = termRepeats(query);
  const clauseBits = new Map<string, number>();
  // Terms that are a word whole (`os.path.join`), not one of its parts.
  const wholeBits = new Map<string, number>();
  query.clauses.forEach(({ terms, whole }, clause) => {
    for (const term of terms) {
      clauseBits.set(term, (clauseBits.get(term) ?? 0) | (1 << clause));
      if (whole.has(term)) wholeBits.set(term, (wholeBits.get(term) ?? 0) | (1 << clause));
    }
  });

  const size = shard.documentCount;
  // What each page gathers, indexed by page: the same arrays as a shard's matches, one buffer.
  const gathered = shardMatches(size);
  const { docs, scores, clauses, wholeClauses, titleClauses, headingClauses, termBits, phrases } = gathered;
  await Promise.all(
    infos.map((info, position) => {
      if (!info) return undefined;
      const count = counts.get(info.term)!;
      const bits = clauseBits.get(info.term)!;
      const whole = wholeBits.get(info.term) ?? 0;
      const termBit = position < MARKED_TERMS ? 1 << position : 0;
      return shard.scoredPostings(info, idfs[position]!, corpus, (doc, score, flags) => {
        scores[doc]! += count * score;
        clauses[doc]! |= bits;
        wholeClauses[doc]! |= whole;
        if (flags & IN_TITLE) titleClauses[doc]! |= bits;
        if (flags & IN_HEADINGS) headingClauses[doc]! |= bits;
        termBits[doc]! |= termBit;
      });
    }),
  );
  // Pages with the phrase in their headings; most shards have none.
  for (const info of phraseInfos) {
    if (!info) continue;
    await shard.scoredPostings(info, 0, corpus, (doc, _score, flags) => {
      if (flags & IN_HEADINGS) phrases[doc] = 1;
    });
  }
  for (let doc = 0; doc < size; doc++) docs[doc] = doc;
  return keepMatches(gathered, (doc) => clauses[doc] !== 0);
}

/** The matches `keep` accepts, in the same order, in arrays of their own size (the same arrays when it accepts all). */
export function keepMatches(matches: ShardMatches, keep: (at: number) => boolean): ShardMatches {
  const size = matches.docs.length;
  let count = 0;
  for (let at = 0; at < size; at++) if (keep(at)) count++;
  if (count === size) return matches;
  const result = shardMatches(count);
  let to = 0;
  for (let from = 0; from < size; from++) {
    if (!keep(from)) continue;
    result.docs[to] = matches.docs[from]!;
    result.scores[to] = matches.scores[from]!;
    result.clauses[to] = matches.clauses[from]!;
    result.wholeClauses[to] = matches.wholeClauses[from]!;
    result.titleClauses[to] = matches.titleClauses[from]!;
    result.headingClauses[to] = matches.headingClauses[from]!;
    result.termBits[to] = matches.termBits[from]!;
    result.phrases[to] = matches.phrases[from]!;
    to++;
  }
  return result;
}

/** The terms of a match, from its bits. */
export function termsOf(query: ParsedQuery, bits: number): Set<string> {
  return new Set(query.terms.slice(0, MARKED_TERMS).filter((_, i) => (bits & (1 << i)) !== 0));
}
