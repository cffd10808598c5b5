import type lunr from 'lunr';
import { trimEdges } from './scripts.js';

/**
 * A section heading is also indexed whole, as one term: its words as indexing makes them (each
 * word whole, stop words left out), joined after a `"`, which no word holds. A query of those
 * words in that order makes the same term (parse.ts), so the page whose heading the query is
 * comes before pages that only have its words (rank.ts). A heading of one word is that word as
 * written, not stemmed: the query "locals" is not after the section "locale", though both stem to
 * "local". Headings of more than MAX_PHRASE_WORDS are not phrases: nobody types them.
 */
export const PHRASE_MARK = '"';
const MAX_PHRASE_WORDS = 12;

/** The first term a pipeline makes of a word: the word whole (FORMAT.md §5.1); undefined when it drops it. */
export function wholeTerm(word: lunr.Token, pipeline: lunr.Pipeline): string | undefined {
  return pipeline.run([word])[0]?.toString() || undefined;
}

/** The phrase term of these words, each run through `pipeline` alone; undefined when they are not a phrase. */
export function phraseTerm(words: readonly lunr.Token[], pipeline: lunr.Pipeline, prefix: string): string | undefined {
  if (words.length === 1) return wordPhrase(words[0]!, pipeline, prefix);
  const wholes: string[] = [];
  for (const word of words) {
    const whole = wholeTerm(word, pipeline);
    if (whole !== undefined) wholes.push(whole);
  }
  if (wholes.length < 2 || wholes.length > MAX_PHRASE_WORDS) return undefined;
  return prefix + PHRASE_MARK + wholes.join(' ');
}

/**
 * The phrase of a heading of one word: the word lowercased, its edge punctuation off as the
 * query parser takes it ("Threads?" is "threads"); none for a stop word. Only a heading that is
 * one word has one: "Why Click?" has two, one a stop word.
 */
function wordPhrase(word: lunr.Token, pipeline: lunr.Pipeline, prefix: string): string | undefined {
  const text = trimEdges(word.toString().toLowerCase());
  if (text === '' || wholeTerm(word, pipeline) === undefined) return undefined;
  return prefix + PHRASE_MARK + text;
}
