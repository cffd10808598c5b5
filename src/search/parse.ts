import lunr from 'lunr';
import { phraseTerm } from './phrases.js';
import { trimEdges } from './scripts.js';
import type { QueryLanguage } from './pipelines.js';

/** Words past this add nothing to a ranking but cost time: a pasted paragraph is cut here. */
const MAX_QUERY_WORDS = 32;

/** One word of a query: the terms the search pipelines make of it (a stemmed word, or an identifier and its parts). */
export interface Clause {
  terms: string[];
  /** The terms that are the word whole (`os.path`, stemmed as each language stems it), not one of its parts. */
  whole: Set<string>;
  /** How many parts the word has (`os.path.join`: 3), as the main language reads it; 0 for a plain word. */
  parts: number;
}

export interface ParsedQuery {
  clauses: Clause[];
  /** Every distinct term, in query order. */
  terms: string[];
  /** The query whole as a heading phrase (phrases.ts), one for each language. */
  phrases: string[];
}

/**
 * The first step of a search (parse → match → rank → snippet): splits a query into words and runs
 * each through the search pipeline of every language the bundle's pages are in, so a German word
 * is stemmed as German pages were. A word that indexing drops in any of those languages (a stop
 * word: `in`, `the`, `de`) goes, unless every word is one: then they are all looked up. Kept, an
 * English "the" read as Dutch would count against every English page that, indexed, lost it.
 */
export function parseQuery(query: string, languages: QueryLanguage[]): ParsedQuery {
  const words = lunr
    .tokenizer(query)
    // Edge punctuation goes ("os.path." is "os.path"); inner dots stay.
    .map((token) => trimEdges(token.toString()))
    .filter((word) => word !== '')
    .slice(0, MAX_QUERY_WORDS);
  const indexed = words.filter((word) => languages.every(({ index }) => index.runString(word).length > 0));
  const clauses = (indexed.length > 0 ? indexed : words)
    .map((word): Clause => {
      const terms = new Set<string>();
      const whole = new Set<string>();
      let parts = -1;
      for (const { search, prefix } of languages) {
        const made = search.runString(word).map((term) => prefix + term);
        if (made[0] !== undefined) whole.add(made[0]);
        made.forEach((term) => terms.add(term));
        if (parts < 0) parts = Math.max(0, made.length - 1);
      }
      return { terms: [...terms], whole, parts: Math.max(0, parts) };
    })
    .filter((clause) => clause.terms.length > 0);
  // Read as indexing reads a heading: every word, stop words dropped by each language's own pipeline.
  const tokens = words.map((word) => new lunr.Token(word, {}));
  // Each language's own: a word one language drops as a stop word may be half of another's heading.
  const phrases = languages.flatMap(({ index, prefix }) => phraseTerm(tokens, index, prefix) ?? []);
  return { clauses, terms: [...new Set(clauses.flatMap((clause) => clause.terms))], phrases: [...new Set(phrases)] };
}
