import type { AnalysedDocument } from './analyse.js';
import { hash32 } from './term-hash.js';

/**
 * What the index holds of one page, as a 53-bit digest: its path, title, field lengths,
 * structure prior, and each term's key and counts in key order. A page analysed for a new edition
 * and the same page read back from the base edition's shard give the same digest exactly when the
 * index would hold the same of it (base-index.ts), whatever changed in its bytes that search does
 * not see. Two lanes of FNV-1a over 32-bit values, in plain numbers: a base of millions of pages
 * is compared without an object per page.
 */
export class Fingerprint {
  private a = 0x811c9dc5;
  private b = 0x01000193;

  /** A non-negative integer below 2^32. */
  add(value: number): this {
    this.a = Math.imul(this.a ^ value, 0x01000193) >>> 0;
    this.b = Math.imul((this.b ^ value) + 0x9e3779b9, 0x85ebca6b) >>> 0;
    this.b = (this.b ^ (this.b >>> 13)) >>> 0;
    return this;
  }

  addString(text: string): this {
    this.add(text.length);
    for (let i = 0; i < text.length; i++) this.add(text.charCodeAt(i));
    return this;
  }

  /** The postings of one term: its key, then the title, headings and body counts. */
  addPosting(key: number, counts: readonly number[]): this {
    return this.add(key).add(counts[0]!).add(counts[1]!).add(counts[2]!);
  }

  /** 53 bits, exact in a JavaScript number. */
  value(): number {
    return (this.a & 0x1fffff) * 2 ** 32 + this.b;
  }
}

/** The digest of a page from its parts; `postings` is the Fingerprint of its postings in key order. */
export function pageFingerprint(page: {
  path: string;
  title: string;
  lengths: readonly number[];
  prior: number;
  postings: number;
}): number {
  const digest = new Fingerprint().addString(page.path).addString(page.title);
  for (const length of page.lengths) digest.add(length);
  // The postings' digest, 53 bits, as two values below 2^32.
  return digest
    .add(page.prior)
    .add(Math.floor(page.postings / 2 ** 32))
    .add(page.postings >>> 0)
    .value();
}

/** The same digest of a page as pack analyses it. */
export function analysedFingerprint(document: AnalysedDocument): number {
  const [title, headings, body] = document.counts as [Map<string, number>, Map<string, number>, Map<string, number>];
  const terms = [...new Set([...title.keys(), ...headings.keys(), ...body.keys()])]
    .map((term) => ({ key: hash32(term), term }))
    .sort((a, b) => a.key - b.key);
  const postings = new Fingerprint();
  for (const { key, term } of terms) {
    postings.addPosting(key, [title.get(term) ?? 0, headings.get(term) ?? 0, body.get(term) ?? 0]);
  }
  return pageFingerprint({ ...document, postings: postings.value() });
}

/** A page's path as a 53-bit key: a base of millions of pages is looked up without its paths in memory. */
export function pathKey(path: string): number {
  return new Fingerprint().addString(path).value();
}
