import lunr from 'lunr';
import { WEIGHT_SCALE } from './shard-format.js';
import type { Posting, ShardReader, TermInfo } from './shard-reader.js';

/** Words past this add nothing to a ranking but cost time: a pasted paragraph is cut here. */
export const MAX_QUERY_WORDS = 32;

/**
 * A query as clauses, one per word: the terms the search pipeline makes of it (a stemmed word,
 * or an identifier and its parts). Words the pipeline drops, such as stop words, go.
 */
export function parseQuery(query: string, pipeline: lunr.Pipeline): string[][] {
  return (
    lunr
      .tokenizer(query)
      // Edge punctuation goes ("os.path." is "os.path"); inner dots stay.
      .map((token) => token.toString().replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, ''))
      .filter((word) => word !== '')
      .slice(0, MAX_QUERY_WORDS)
      .map((word) => [...new Set(pipeline.runString(word))])
      .filter((terms) => terms.length > 0)
  );
}

export interface ShardMatch {
  doc: number;
  score: number;
  /** The query terms the document has, for its snippet. */
  terms: Set<string>;
  /** Every clause matched in the title: only such a document can have the query as its title. */
  titleHasAll: boolean;
}

interface Tally {
  score: number;
  clauses: number;
  titleClauses: number;
  terms: Set<string>;
}

/**
 * Scores a shard's documents as lunr's Index#query does: each clause adds its terms to the query
 * vector, a document's score is the dot product of that vector with its field weights, divided by
 * the vector's length. With `required`, a document must match every clause (any of its terms),
 * and a clause term the shard lacks leaves it with no results, as in lunr.
 */
export async function matchShard(shard: ShardReader, clauses: string[][], required: boolean): Promise<ShardMatch[]> {
  const uses = new Map<string, { count: number; clauseBits: number }>();
  clauses.forEach((terms, clause) => {
    for (const term of terms) {
      const use = uses.get(term) ?? { count: 0, clauseBits: 0 };
      use.count++;
      use.clauseBits |= 1 << clause;
      uses.set(term, use);
    }
  });
  const infos = (await Promise.all([...uses.keys()].map((term) => shard.term(term)))).filter(
    (info): info is TermInfo => info !== undefined,
  );
  if (infos.length === 0 || (required && infos.length < uses.size)) return [];

  const magnitude = Math.sqrt(infos.reduce((sum, info) => sum + uses.get(info.term)!.count ** 2, 0));
  const postingLists: Posting[][] = await Promise.all(infos.map((info) => shard.postings(info)));
  const tallies = new Map<number, Tally>();
  infos.forEach((info, i) => {
    const { count, clauseBits } = uses.get(info.term)!;
    for (const posting of postingLists[i]!) {
      let tally = tallies.get(posting.doc);
      if (!tally) tallies.set(posting.doc, (tally = { score: 0, clauses: 0, titleClauses: 0, terms: new Set() }));
      tally.score += count * posting.weight;
      tally.clauses |= clauseBits;
      if (posting.inTitle) tally.titleClauses |= clauseBits;
      tally.terms.add(info.term);
    }
  });

  // Clause bits as 32-bit integers, the way the bitwise operators above leave them.
  const all = (2 ** clauses.length - 1) | 0;
  const matches: ShardMatch[] = [];
  for (const [doc, tally] of tallies) {
    if (required && tally.clauses !== all) continue;
    matches.push({
      doc,
      score: tally.score / WEIGHT_SCALE / magnitude,
      terms: tally.terms,
      titleHasAll: tally.titleClauses === all,
    });
  }
  return matches;
}
