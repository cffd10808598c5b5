import lunr from 'lunr';

/** Words past this add nothing to a ranking but cost time: a pasted paragraph is cut here. */
const MAX_QUERY_WORDS = 32;

export interface ParsedQuery {
  /** One clause per word: the terms the search pipeline makes of it (a stemmed word, or an identifier and its parts). */
  clauses: string[][];
  /** Every distinct term, in query order. */
  terms: string[];
}

/**
 * The first step of a search (parse → match → rank → snippet): splits a query into words and runs
 * each through the search pipeline. A word the index never holds on its own (a stop word of the
 * language: `in`, `the`, `de`) goes, as indexing dropped it, unless every word is one: then they
 * are all looked up.
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
