import type { StoredRecord } from '../bundle/reader.js';
import { foldCaseAndAccents } from '../fold.js';

/** `search/titles.json`: every page's title and path, sorted by folded title (FORMAT.md §5). */
export const TITLES_NAME = 'search/titles.json';

export type TitleEntry = [title: string, path: string];

/** Case, accents and runs of spaces folded away, so "Éte" finds "ete" and "ÉTÉ". */
export function foldTitle(text: string): string {
  return foldCaseAndAccents(text).replace(/\s+/g, ' ').trim();
}

function compareFolded(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts titles into the stored order; ties go by path so the order is deterministic. */
export function sortTitles(entries: TitleEntry[]): TitleEntry[] {
  return entries
    .map((entry) => ({ entry, key: foldTitle(entry[0]) }))
    .sort((a, b) => compareFolded(a.key, b.key) || compareFolded(a.entry[1], b.entry[1]))
    .map((item) => item.entry);
}

export interface Suggestion {
  title: string;
  path: string;
}

/** Prefix search over the sorted title list: a binary search, then a short scan. */
export class TitleList {
  private constructor(
    private readonly entries: TitleEntry[],
    private readonly keys: string[],
  ) {}

  static async load(bundle: {
    resolve(name: string): Promise<StoredRecord | undefined>;
    read(record: StoredRecord): Promise<Buffer>;
  }): Promise<TitleList> {
    const record = await bundle.resolve(TITLES_NAME);
    return TitleList.fromEntries(
      record ? (JSON.parse((await bundle.read(record)).toString('utf8')) as TitleEntry[]) : [],
    );
  }

  /** From the entries of `search/titles.json`, already in their stored order. */
  static fromEntries(entries: TitleEntry[]): TitleList {
    return new TitleList(
      entries,
      entries.map((entry) => foldTitle(entry[0])),
    );
  }

  suggest(prefix: string, limit: number): Suggestion[] {
    const wanted = foldTitle(prefix);
    if (wanted === '') return [];
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.keys[middle]! < wanted) low = middle + 1;
      else high = middle;
    }
    const found: Suggestion[] = [];
    for (let i = low; i < this.keys.length && found.length < limit && this.keys[i]!.startsWith(wanted); i++) {
      const [title, path] = this.entries[i]!;
      found.push({ title, path });
    }
    return found;
  }
}
