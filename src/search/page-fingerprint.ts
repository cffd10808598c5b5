import { createHash } from 'node:crypto';
import type { AnalysedDocument } from './analyse.js';
import { ByteWriter } from './bytes.js';
import { hash32 } from './term-hash.js';

/**
 * What the index holds of one page, as a digest: its path, title, field lengths, structure prior,
 * and each term's key and counts in key order. A page analysed for a new edition and the same page
 * read back from the base edition's shard give the same digest exactly when the index would hold
 * the same of it (base-index.ts), whatever changed in the page's bytes that search does not see.
 */
export interface IndexedPage {
  path: string;
  title: string;
  lengths: number[];
  /** In 1/255ths, as stored. */
  prior: number;
  /** Key, title count, headings count, body count, for each term, in increasing key order. */
  postings: number[];
}

export function pageFingerprint(page: IndexedPage): string {
  const out = new ByteWriter(1024);
  out.string(page.path);
  out.string(page.title);
  page.lengths.forEach((length) => out.varint(length));
  out.varint(page.prior);
  page.postings.forEach((value) => out.varint(value));
  return createHash('sha256').update(out.bytes()).digest('base64').slice(0, 22);
}

/** The same digest of a page as pack analyses it. */
export function analysedFingerprint(document: AnalysedDocument): string {
  const [title, headings, body] = document.counts as [Map<string, number>, Map<string, number>, Map<string, number>];
  const terms = [...new Set([...title.keys(), ...headings.keys(), ...body.keys()])]
    .map((term) => ({ key: hash32(term), term }))
    .sort((a, b) => a.key - b.key);
  const postings: number[] = [];
  for (const { key, term } of terms) {
    postings.push(key, title.get(term) ?? 0, headings.get(term) ?? 0, body.get(term) ?? 0);
  }
  return pageFingerprint({ ...document, postings });
}
