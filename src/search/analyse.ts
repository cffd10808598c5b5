import lunr from 'lunr';

/** A page's fields in index order: bit i of a posting's field flags is FIELDS[i] (FORMAT.md §5). */
export const FIELDS = ['title', 'headings', 'body'] as const;

export interface SearchDocument {
  path: string;
  title: string;
  /** Section headings and definition terms. */
  headings: string;
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
  const prior = Math.round(Math.min(1, Math.max(0, document.prior ?? 1)) * 255);
  return { path: document.path, title: document.title, counts, lengths, prior, textLength: document.text.length };
}
