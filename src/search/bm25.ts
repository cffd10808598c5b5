/**
 * BM25 per field, computed at query time: a term's count in each field of a page, saturated and
 * normalised by the field's length against its average over the whole bundle, times the field's
 * weight, summed over the fields, times the term's idf. Each field saturates on its own: BM25F,
 * which sums the weighted counts before saturating, lets a long body drown a title match, and
 * measured worse on every kind of query of `npm run bench:quality` (BENCHMARKS.md).
 */
export const K1 = 1.2;
/** Title, headings (and definition terms), body: the order of FIELDS. */
export const FIELD_WEIGHTS = [10, 5, 1];
/**
 * How much a field's length counts against it. Headings hardly at all: a reference page with a
 * hundred definitions is not less about each of them.
 */
export const FIELD_B = [0.3, 0.1, 0.5];

export interface CorpusScoring {
  /** Average length of each field over all pages. */
  averages: number[];
}

/** Inverse document frequency over the whole bundle, never negative. */
export function idf(documents: number, withTerm: number): number {
  return Math.log(1 + (documents - withTerm + 0.5) / (withTerm + 0.5));
}

/** A term's score in one page, from its count and the length of each field. */
export function termScore(counts: number[], lengths: number[], averages: number[], termIdf: number): number {
  let score = 0;
  for (let field = 0; field < counts.length; field++) {
    const count = counts[field]!;
    if (count === 0) continue;
    const b = FIELD_B[field]!;
    const norm = 1 - b + (b * lengths[field]!) / (averages[field]! || 1);
    score += (FIELD_WEIGHTS[field]! * count * (K1 + 1)) / (count + K1 * norm);
  }
  return termIdf * score;
}
