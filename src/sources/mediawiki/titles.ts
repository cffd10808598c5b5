import { nameProblem } from '../../bundle/names.js';

/** The namespaces of a wiki as `<siteinfo>` lists them, and how titles are cased. */
export interface Namespaces {
  /** Number → the local name (`14` → `Category`, `0` → ``). */
  names: Record<number, string>;
  /** Lower-cased local and canonical names (and aliases) → number. */
  numbers: Record<string, number>;
  /** `first-letter` (most wikis) or `case-sensitive` (Wiktionary). */
  caseMode: string;
}

export const MAIN = 0;
export const FILE = 6;
export const TEMPLATE = 10;
export const CATEGORY = 14;
export const MODULE = 828;

/** English canonical names, which every wiki accepts besides its local ones. */
const CANONICAL: Record<string, number> = {
  media: -2,
  special: -1,
  talk: 1,
  user: 2,
  'user talk': 3,
  project: 4,
  file: 6,
  image: 6,
  mediawiki: 8,
  template: 10,
  help: 12,
  category: 14,
  module: 828,
};

export function defaultNamespaces(): Namespaces {
  const names: Record<number, string> = { 0: '', 6: 'File', 10: 'Template', 14: 'Category' };
  return { names, numbers: { ...CANONICAL }, caseMode: 'first-letter' };
}

/** A title as MediaWiki stores it: underscores as spaces, runs of spaces as one, trimmed. */
export function cleanTitle(text: string): string {
  return text.replace(/[_\s]+/g, ' ').trim();
}

export interface ParsedTitle {
  namespace: number;
  /** The title without its namespace prefix, first letter capitalised where the wiki does. */
  name: string;
  /** The part after `#`, if any. */
  fragment: string;
}

function capitalise(name: string, caseMode: string): string {
  if (caseMode !== 'first-letter' || name === '') return name;
  const first = String.fromCodePoint(name.codePointAt(0)!);
  return first.toUpperCase() + name.slice(first.length);
}

/** Splits a link target or page title into namespace, name and fragment, in the wiki's own rules. */
export function parseTitle(text: string, namespaces: Namespaces): ParsedTitle {
  const hash = text.indexOf('#');
  const fragment = hash >= 0 ? cleanTitle(text.slice(hash + 1)) : '';
  let name = cleanTitle(hash >= 0 ? text.slice(0, hash) : text);
  let namespace = MAIN;
  const colon = name.indexOf(':');
  if (colon > 0) {
    const known = namespaces.numbers[name.slice(0, colon).trim().toLowerCase()];
    if (known !== undefined) {
      namespace = known;
      name = name.slice(colon + 1).trim();
    }
  }
  return { namespace, name: capitalise(name, namespaces.caseMode), fragment };
}

/** The full title, with the namespace's local name: `Category:Towns in Kent`. */
export function fullTitle(title: ParsedTitle, namespaces: Namespaces): string {
  const prefix = title.namespace === MAIN ? '' : `${namespaces.names[title.namespace] ?? ''}:`;
  return prefix + title.name;
}

export function categoryTitle(name: string, namespaces: Namespaces): string {
  return fullTitle({ namespace: CATEGORY, name, fragment: '' }, namespaces);
}

/** Where a page lives in the bundle: its full title with spaces as underscores, as wiki URLs have it. */
export function titlePath(fullTitleText: string): string {
  return fullTitleText.replace(/ /g, '_');
}

/** Why a title cannot be a bundle path (`..` segments, empty segments), or undefined. */
export function titlePathProblem(path: string): string | undefined {
  return nameProblem(`content/${path}`);
}

/** The fragment id of a heading or `#Section` link, as MediaWiki writes it. */
export function anchorOf(text: string): string {
  return cleanTitle(text).replace(/ /g, '_');
}

/**
 * A 53-bit hash of a full title, so that millions of titles fit in a typed array (8 bytes each)
 * that worker threads can share. Two 32-bit FNV-style hashes; a collision (about one in 10^15
 * pairs) only makes a link to a missing page look present.
 */
export function titleKey(text: string): number {
  let first = 0x811c9dc5;
  let second = 0x9747b28c;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995);
    second ^= second >>> 15;
  }
  return (first >>> 0) * 0x200000 + ((second >>> 0) & 0x1fffff);
}

/** A sorted set of title keys, searchable by any thread that holds its buffer. */
export class TitleSet {
  private readonly keys: Float64Array;

  constructor(keys: Float64Array) {
    this.keys = keys;
  }

  /** Sorts the keys into a buffer worker threads can share without copying. */
  static fromKeys(keys: Float64Array): TitleSet {
    const shared = new Float64Array(new SharedArrayBuffer(keys.length * 8));
    shared.set(keys);
    shared.sort();
    return new TitleSet(shared);
  }

  get buffer(): ArrayBufferLike {
    return this.keys.buffer;
  }

  get size(): number {
    return this.keys.length;
  }

  has(fullTitleText: string): boolean {
    return this.hasKey(titleKey(fullTitleText));
  }

  hasKey(key: number): boolean {
    let low = 0;
    let high = this.keys.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.keys[middle]!;
      if (value === key) return true;
      if (value < key) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

/** A Float64Array that grows as keys are added, without a JavaScript number per element. */
export class KeyList {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const larger = new Float64Array(this.data.length * 2);
      larger.set(this.data);
      this.data = larger;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
