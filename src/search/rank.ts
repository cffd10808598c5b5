import { MARKED_TERMS, type ShardMatches } from './match.js';
import type { ParsedQuery } from './parse.js';
import type { SearchShard } from './shard-reader.js';

/** A query of several words found whole in one page's headings is likely one of its headings. */
const HEADING_FACTOR = 2;
/** A query that is one of a page's section headings, word for word (phrases.ts), is surely after it. */
const PHRASE_FACTOR = 4;
/** A page whose title is the query comes first (added by the searcher, which reads titles). */
export const EXACT_TITLE_BONUS = 1000;
/** Titles are read only for the best results whose title has every word; one of those is the exact title. */
const EXACT_TITLE_CHECKS = 50;

/**
 * The most rank multiplies a BM25 sum by, coverage and priors left out (at most 1): in pages
 * without the query's phrase, `withPhrase` false, the heading factor at most.
 */
export function largestFactor(query: ParsedQuery, withPhrase = query.phrases.length > 0): number {
  if (withPhrase) return PHRASE_FACTOR;
  return query.clauses.length > 1 ? HEADING_FACTOR : 1;
}

/** A match by its shard and its position in that shard's arrays. */
export type MatchRef = [shard: number, at: number];

function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits >>> 0; rest !== 0; rest &= rest - 1) count++;
  return count;
}

/** Every clause's bit set, as a 32-bit integer the way the bitwise operators leave it. */
export function allClauses(query: ParsedQuery): number {
  return (2 ** query.clauses.length - 1) | 0;
}

/**
 * The third step of a search (parse → match → rank → snippet): turns each page's BM25 sum into its
 * score. It is multiplied by the square of the share of the query the page covers (a word found
 * whole counts 1, one found only by its parts counts ½ times the share of its parts found: `path`
 * alone for `os.path` counts ¼), so a page that covers the query comes first and a rare word
 * raises the pages that have it, never removes the others; by the page's structure prior (pages
 * of links or code listings rank lower); doubled when every word of a query of several is in
 * its headings, and four times as much when the query is one of its section headings.
 */
export function rankMatches(shards: SearchShard[], matches: ShardMatches[], query: ParsedQuery): void {
  const all = allClauses(query);
  const clauseCount = query.clauses.length;
  // Each clause's part terms, as bits of the matched-term sets (the first 32 terms of the query).
  const partBits = query.clauses.map(({ terms, whole }) =>
    terms.reduce((bits, term) => {
      const position = query.terms.indexOf(term);
      return whole.has(term) || position >= MARKED_TERMS ? bits : bits | (1 << position);
    }, 0),
  );
  matches.forEach((shard, s) => {
    for (let at = 0; at < shard.docs.length; at++) {
      const whole = shard.wholeClauses[at]!;
      let covered = bitCount(whole);
      // A word found only by its parts counts half, times the share of its parts found.
      const byParts = shard.clauses[at]! & ~whole;
      for (let clause = 0; clause < clauseCount && byParts !== 0; clause++) {
        if (!(byParts & (1 << clause))) continue;
        const { parts } = query.clauses[clause]!;
        const found = bitCount(shard.termBits[at]! & partBits[clause]!);
        covered += parts > 0 ? Math.min(1, found / parts) / 2 : 1 / 2;
      }
      const coverage = covered / clauseCount;
      let score = shard.scores[at]! * coverage * coverage * shards[s]!.prior(shard.docs[at]!);
      if (shard.phrases[at]) score *= PHRASE_FACTOR;
      else if (clauseCount > 1 && shard.headingClauses[at] === all) score *= HEADING_FACTOR;
      shard.scores[at] = score;
    }
  });
}

/**
 * The `wanted` best matches, best first; equal scores keep shard and page order. A short sorted
 * list takes each match that beats its last, so a common word's thousands of matches are never
 * all sorted.
 */
export function bestMatches(
  shards: ShardMatches[],
  wanted: number,
  accept: (shard: number, at: number) => boolean = () => true,
): MatchRef[] {
  const best: MatchRef[] = [];
  const scoreOf = ([shard, at]: MatchRef) => shards[shard]!.scores[at]!;
  shards.forEach((matches, shard) => {
    for (let at = 0; at < matches.docs.length; at++) {
      const score = matches.scores[at]!;
      if ((best.length >= wanted && score <= scoreOf(best[best.length - 1]!)) || !accept(shard, at)) continue;
      let low = 0;
      let high = best.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (scoreOf(best[middle]!) >= score) low = middle + 1;
        else high = middle;
      }
      best.splice(low, 0, [shard, at]);
      if (best.length > wanted) best.pop();
    }
  });
  return best;
}

/** The best matches whose title has every clause (`all`): the pages whose title may be the query. */
export function bestTitled(shards: ShardMatches[], all: number): MatchRef[] {
  return bestMatches(shards, EXACT_TITLE_CHECKS, (shard, at) => shards[shard]!.titleClauses[at] === all);
}
