import lunr from 'lunr';
import { WEIGHT_SCALE } from './shard-format.js';
import { HEADINGS_FIELD, TITLE_FIELD, type ShardReader, type TermInfo } from './shard-reader.js';

/** Words past this add nothing to a ranking but cost time: a pasted paragraph is cut here. */
const MAX_QUERY_WORDS = 32;
/** Terms a match remembers for its snippet; a clause bit set is 32 bits wide. */
const MARKED_TERMS = 32;

export interface ParsedQuery {
  /** One clause per word: the terms the search pipeline makes of it (a stemmed word, or an identifier and its parts). */
  clauses: string[][];
  /** Every distinct term, in query order. */
  terms: string[];
}

/**
 * Splits a query into words and runs each through the search pipeline. A word the index never
 * holds on its own (a stop word of the language: `in`, `the`, `de`) goes, as indexing dropped it,
 * unless every word is one: then they are all looked up.
 */
export function parseQuery(query: string, pipeline: lunr.Pipeline, indexPipeline?: lunr.Pipeline): ParsedQuery {
  const words = lunr
    .tokenizer(query)
    // Edge punctuation goes ("os.path." is "os.path"); inner dots stay.
    .map((token) => token.toString().replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, ''))
    .filter((word) => word !== '')
    .slice(0, MAX_QUERY_WORDS);
  const indexed = indexPipeline ? words.filter((word) => indexPipeline.runString(word).length > 0) : words;
  const clauses = (indexed.length > 0 ? indexed : words)
    .map((word) => [...new Set(pipeline.runString(word))])
    .filter((terms) => terms.length > 0);
  return { clauses, terms: [...new Set(clauses.flat())] };
}

/** A shard's matching documents, in document order, as parallel arrays. */
export interface ShardMatches {
  docs: number[];
  scores: number[];
  /** Bit i: the document has `terms[i]` (for the first 32 terms), for its snippet. */
  termBits: number[];
  /** Every clause matched in the title: only such a document can have the query as its title. */
  titleHasAll: boolean[];
  /** Every clause matched in the section headings: a heading of the page may be the query. */
  headingsHaveAll: boolean[];
}

/**
 * Scores a shard's documents as lunr's Index#query does: each clause adds its terms to the query
 * vector, a document's score is the dot product of that vector with its field weights, divided by
 * the vector's length. With `required`, a document must match every clause (any of its terms),
 * and a clause term the shard lacks leaves it with no results, as in lunr (the tests compare the
 * two that way). Without, every clause is optional and a score is multiplied by the square of the
 * share of the query the page covers, so a page that covers the query comes first and a rare word
 * raises the pages that have it, never removes the others.
 */
export async function matchShard(shard: ShardReader, query: ParsedQuery, required: boolean): Promise<ShardMatches> {
  const none: ShardMatches = { docs: [], scores: [], termBits: [], titleHasAll: [], headingsHaveAll: [] };
  const counts = new Map<string, number>();
  const clauseBits = new Map<string, number>();
  // A clause's first term is the word itself (`os.path.join`); the rest are its parts.
  const wholeBits = new Map<string, number>();
  query.clauses.forEach((terms, clause) => {
    terms.forEach((term, i) => {
      counts.set(term, (counts.get(term) ?? 0) + 1);
      clauseBits.set(term, (clauseBits.get(term) ?? 0) | (1 << clause));
      if (i === 0) wholeBits.set(term, (wholeBits.get(term) ?? 0) | (1 << clause));
    });
  });
  const found = await Promise.all(query.terms.map((term) => shard.term(term)));
  const infos = found.filter((info): info is TermInfo => info !== undefined);
  if (infos.length === 0 || (required && infos.length < query.terms.length)) return none;

  const size = shard.documentCount;
  const scores = new Float64Array(size);
  const clauses = new Int32Array(size);
  const wholeClauses = new Int32Array(size);
  const titleClauses = new Int32Array(size);
  const headingClauses = new Int32Array(size);
  const termBits = new Int32Array(size);
  const magnitude = Math.sqrt(infos.reduce((sum, info) => sum + counts.get(info.term)! ** 2, 0));
  await Promise.all(
    infos.map((info) => {
      const count = counts.get(info.term)!;
      const bits = clauseBits.get(info.term)!;
      const whole = wholeBits.get(info.term) ?? 0;
      const position = query.terms.indexOf(info.term);
      const termBit = position < MARKED_TERMS ? 1 << position : 0;
      return shard.postings(info, (doc, weight, fields) => {
        scores[doc]! += count * weight;
        clauses[doc]! |= bits;
        wholeClauses[doc]! |= whole;
        if (fields & TITLE_FIELD) titleClauses[doc]! |= bits;
        if (fields & HEADINGS_FIELD) headingClauses[doc]! |= bits;
        termBits[doc]! |= termBit;
      });
    }),
  );

  // Clause bits as 32-bit integers, the way the bitwise operators above leave them.
  const all = (2 ** query.clauses.length - 1) | 0;
  const matches: ShardMatches = { docs: [], scores: [], termBits: [], titleHasAll: [], headingsHaveAll: [] };
  for (let doc = 0; doc < size; doc++) {
    if (clauses[doc] === 0 || (required && clauses[doc] !== all)) continue;
    // A word found whole counts fully, one found only by its parts (`path` for `os.path`) by half.
    const covered = bitCount(wholeClauses[doc]!) + bitCount(clauses[doc]! & ~wholeClauses[doc]!) / 2;
    const coverage = required ? 1 : covered / query.clauses.length;
    matches.docs.push(doc);
    matches.scores.push((scores[doc]! / WEIGHT_SCALE / magnitude) * coverage * coverage);
    matches.termBits.push(termBits[doc]!);
    matches.titleHasAll.push(titleClauses[doc] === all);
    matches.headingsHaveAll.push(headingClauses[doc] === all);
  }
  return matches;
}

function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits >>> 0; rest !== 0; rest &= rest - 1) count++;
  return count;
}

/** The terms of a match, from its bits. */
export function termsOf(query: ParsedQuery, bits: number): Set<string> {
  return new Set(query.terms.slice(0, MARKED_TERMS).filter((_, i) => (bits & (1 << i)) !== 0));
}
