import lunr from 'lunr';
import { phraseTerm, wholeTerm } from './phrases.js';

/** A page's fields in index order: bit i of a posting's field flags is FIELDS[i] (FORMAT.md §5). */
export const FIELDS = ['title', 'headings', 'body'] as const;

export interface SearchDocument {
  path: string;
  title: string;
  /** Section headings and definition terms. */
  headings: string;
  /**
   * Ids that are names (html-text.ts), space-separated: each counts in the headings as one whole
   * term, without the parts an identifier otherwise adds, so a long API page is not raised for
   * every word its names are made of.
   */
  names?: string;
  /** Its section headings one by one: each of two words or more is also kept whole, as a phrase (phrases.ts). */
  headingTexts?: string[];
  text: string;
  /** How likely the page is an answer by its structure, 0–1 (search/structure.ts); 1 when unknown. */
  prior?: number;
  /** The page's language (ISO 639-3), when it says one: its words are stemmed as that language's. */
  language?: string | undefined;
}

/** What the index keeps of a page: each field's term counts and length in terms. */
export interface AnalysedDocument {
  path: string;
  title: string;
  /** One map per field of FIELDS: term → times it occurs. */
  counts: Map<string, number>[];
  lengths: number[];
  /** The structure prior in 1/255ths. */
  prior: number;
  /** Characters of text, for cutting shards by size. */
  textLength: number;
}

/**
 * Runs each field through the index pipeline (tokenize, trim, stop words, stem) and counts its
 * terms, each after `prefix` (the page's language when it is not the bundle's main one).
 */
export function analyse(document: SearchDocument, pipeline: lunr.Pipeline, prefix = ''): AnalysedDocument {
  const counts: Map<string, number>[] = [];
  const lengths: number[] = [];
  for (const text of [document.title, document.headings, document.text]) {
    const terms = pipeline.run(lunr.tokenizer(text));
    const frequencies = new Map<string, number>();
    for (const term of terms) {
      const key = prefix + term.toString();
      frequencies.set(key, (frequencies.get(key) ?? 0) + 1);
    }
    counts.push(frequencies);
    lengths.push(terms.length);
  }
  const headings = counts[1]!;
  for (const token of lunr.tokenizer(document.names ?? '')) {
    const whole = wholeTerm(token, pipeline);
    if (whole === undefined) continue;
    const key = prefix + whole;
    // Not counted in the headings' length: the id restates a name the page's text gives.
    headings.set(key, (headings.get(key) ?? 0) + 1);
  }
  for (const heading of document.headingTexts ?? []) {
    const phrase = phraseTerm(lunr.tokenizer(heading), pipeline, prefix);
    if (phrase !== undefined) headings.set(phrase, (headings.get(phrase) ?? 0) + 1);
  }
  const prior = Math.round(Math.min(1, Math.max(0, document.prior ?? 1)) * 255);
  return { path: document.path, title: document.title, counts, lengths, prior, textLength: document.text.length };
}
