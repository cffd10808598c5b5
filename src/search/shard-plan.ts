import { allClauses, bestMatches, bestTitled, largestFactor, rankMatches } from './rank.js';
import { keepMatches, matchShards, termIdf, termRepeats, type Corpus, type ShardMatches } from './match.js';
import type { ParsedQuery } from './parse.js';
import type { SearchShard } from './shard-reader.js';
import { isCommon, type CommonTerm, type TermDictionary } from './term-dictionary.js';
import { exactTitleKey } from './exact-title.js';

/** Shards visited at a time once the best pages start to be known. */
const BATCH = 8;
/**
 * Shards visited at a time when all of them must be: between batches the matches that can no
 * longer rank are let go, so a common word over millions of pages holds some thousands of them.
 */
const SWEEP = 32;

/** A shard a query visited, by its number in the bundle, with its ranked matches. */
export interface VisitedShard {
  number: number;
  shard: SearchShard;
  matches: ShardMatches;
}

export interface PlannedMatches {
  /** In the order of the shards' numbers. */
  visited: VisitedShard[];
  /** Pages that match: counted, or, when shards were left out, the pages of its most common term. */
  total: number;
}

/**
 * Part of the match step (parse → match → rank → snippet): which shards a query visits. Without
 * a term dictionary, all; with one (FORMAT.md §5.9), those that hold its rarer terms, and of the
 * shards that hold its common terms, those whose bound could still beat the `wanted` best pages
 * found so far, in decreasing order of bound, and those of the pages whose title is the query
 * (`text`): a common word of a million pages reads some sixteen shards of 1,585, and finds the
 * same best pages as if it read them all.
 */
export async function matchPlanned(
  text: string,
  query: ParsedQuery,
  corpus: Corpus,
  shardCount: number,
  dictionary: TermDictionary | undefined,
  open: (number: number) => Promise<SearchShard>,
  wanted: number,
): Promise<PlannedMatches> {
  const visited: VisitedShard[] = [];
  let counted = 0;
  const visit = async (numbers: number[], documents?: number[]) => {
    const shards = await Promise.all(numbers.map(open));
    const matches = await matchShards(shards, query, corpus, documents);
    rankMatches(shards, matches, query);
    const fresh = numbers.map((number, i) => ({ number, shard: shards[i]!, matches: matches[i]! }));
    visited.push(...fresh);
    for (const { matches } of fresh) counted += matches.docs.length;
    dropLosers(visited, fresh, wanted, allClauses(query));
  };
  /** Pages that have each term in these shards: read before the shards are matched a batch at a time. */
  const documentsIn = async (numbers: number[]) => {
    const counts = query.terms.map(() => 0);
    await Promise.all(
      numbers.map(async (number) => {
        const shard = await open(number);
        const infos = await Promise.all(query.terms.map((term) => shard.term(term)));
        infos.forEach((info, i) => (counts[i]! += info?.documents ?? 0));
      }),
    );
    return counts;
  };
  /** Visits the shards a batch at a time; without `documents` (the terms' idf) they are counted in `numbers`. */
  const sweep = async (numbers: number[], documents?: number[]) => {
    const counts = documents ?? (await documentsIn(numbers));
    for (let at = 0; at < numbers.length; at += SWEEP) await visit(numbers.slice(at, at + SWEEP), counts);
  };
  const finish = (total?: number): PlannedMatches => {
    visited.sort((a, b) => a.number - b.number);
    return { visited, total: Math.max(counted, total ?? 0) };
  };
  const all = () => Array.from({ length: shardCount }, (_, number) => number);

  if (!dictionary) return (await sweep(all()), finish());
  const found = await Promise.all(query.terms.map((term) => dictionary.shardsWith(term)));
  // A page whose heading is the query has its phrase: with a rare phrase, only its shards can have one.
  const phrases = await Promise.all(query.phrases.map((phrase) => dictionary.shardsWith(phrase)));
  const commonPhrase = phrases.some(isCommon);
  const listed = new Set<number>();
  for (const shards of [...found, ...(commonPhrase ? [] : phrases)]) {
    if (!isCommon(shards)) for (const number of shards) listed.add(number);
  }
  const common = query.terms.flatMap((term, i) => (isCommon(found[i]!) ? [{ term, at: i, ...found[i]! }] : []));
  if (common.length === 0) return (await sweep([...listed].sort((a, b) => a - b)), finish());
  // A page whose title is the query comes first however it scores: its shard is read.
  const titled = await dictionary.shardsWithKey(exactTitleKey(text));
  if (!isCommon(titled)) for (const number of titled) listed.add(number);
  const rare = [...listed].sort((a, b) => a - b);

  // Every shard of a rarer term is read, and gives that term's pages over the bundle.
  const inRare = await documentsIn(rare);
  const documents = query.terms.map((_, i) => {
    const shards = found[i]!;
    return isCommon(shards) ? shards.documents : inRare[i]!;
  });
  const bounds = shardBounds(query, corpus, common, documents, commonPhrase);
  await sweep(rare, documents);
  const seen = new Set(rare);
  const order = [...bounds.named].filter(([number]) => !seen.has(number)).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (let at = 0; at < order.length; at += BATCH) {
    const threshold = scoreToBeat(visited, wanted);
    if (order[at]![1] < threshold) return finish(Math.max(...common.map((term) => term.documents)));
    const batch = order.slice(at, at + BATCH).map(([number]) => number);
    batch.forEach((number) => seen.add(number));
    await visit(batch, documents);
  }
  if (bounds.rest < scoreToBeat(visited, wanted)) return finish(Math.max(...common.map((term) => term.documents)));
  await sweep(
    all().filter((number) => !seen.has(number)),
    documents,
  );
  return finish();
}

/**
 * The most a page of each shard named by a common term can score, and of any other shard not
 * read for a rarer term: each common term's bound there times its idf and its repeats in the
 * query, summed, times the most rank multiplies by there: the square of the share of clauses
 * that have a common term (its coverage at most), and a phrase's factor only when the phrase is
 * common.
 */
function shardBounds(
  query: ParsedQuery,
  corpus: Corpus,
  common: (CommonTerm & { term: string; at: number })[],
  documents: number[],
  commonPhrase: boolean,
): { named: Map<number, number>; rest: number } {
  const repeats = termRepeats(query);
  // Outside the shards of the rare terms, a page covers at most the clauses that have a common term.
  const commonTerms = new Set(common.map(({ term }) => term));
  const reach =
    query.clauses.filter(({ terms }) => terms.some((term) => commonTerms.has(term))).length / query.clauses.length;
  // A page that lacks a clause has neither the phrase nor every clause in its headings.
  const factor = (reach < 1 ? 1 : largestFactor(query, commonPhrase)) * reach * reach;
  const weights = common.map(
    ({ term, at }) => termIdf(term, documents[at]!, corpus) * (repeats.get(term) ?? 1) * factor,
  );
  const rest = common.reduce((sum, term, i) => sum + weights[i]! * term.rest, 0);
  const named = new Map<number, number>();
  common.forEach((term, i) => {
    term.shards.forEach((number, j) => {
      // Elsewhere this term is bounded by its rest: here by its own bound instead.
      named.set(number, (named.get(number) ?? rest) + weights[i]! * (term.bounds[j]! - term.rest));
    });
  });
  return { named, rest };
}

/**
 * Lets go of the fresh matches that can no longer rank: below the `wanted`-th best score so far,
 * and not among the best pages whose title has every clause (`all`), which the searcher reads for
 * an exact title. Later shards only raise the score to beat, so what is let go stays out.
 */
function dropLosers(visited: VisitedShard[], fresh: VisitedShard[], wanted: number, all: number): void {
  const threshold = scoreToBeat(visited, wanted);
  if (threshold === -Infinity) return;
  // In shard order, as the searcher reads them: equal scores keep it.
  visited.sort((a, b) => a.number - b.number);
  const matches = visited.map(({ matches }) => matches);
  const titled = new Map<ShardMatches, Set<number>>();
  for (const [shard, at] of bestTitled(matches, all)) {
    const kept = titled.get(matches[shard]!) ?? new Set<number>();
    titled.set(matches[shard]!, kept.add(at));
  }
  for (const shard of fresh) {
    const { scores } = shard.matches;
    const kept = titled.get(shard.matches);
    shard.matches = keepMatches(shard.matches, (at) => scores[at]! >= threshold || kept?.has(at) === true);
  }
}

/** The score a page must beat to be among the `wanted` best found so far; none while fewer are found. */
function scoreToBeat(visited: VisitedShard[], wanted: number): number {
  const matches = visited.map(({ matches }) => matches);
  const best = bestMatches(matches, wanted);
  if (best.length === 0 || best.length < wanted) return -Infinity;
  const [shard, at] = best[best.length - 1]!;
  return matches[shard]!.scores[at]!;
}
