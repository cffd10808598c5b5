import { describe, expect, it } from 'vitest';
import type { Bundle } from '../../src/bundle/reader.js';
import { foldTitle, sortTitles, TitleList, type TitleEntry } from '../../src/search/titles.js';

/** A TitleList over entries as pack stores them, read through the two calls load() makes. */
function listOf(entries: TitleEntry[]): Promise<TitleList> {
  const stored = Buffer.from(JSON.stringify(sortTitles(entries)));
  const bundle = { resolve: async () => ({ name: 'search/titles.json' }), read: async () => stored };
  return TitleList.load(bundle as unknown as Bundle);
}

describe('title suggestions', () => {
  const entries: TitleEntry[] = [
    ['Été indien', 'ete-indien.html'],
    ['Etymology', 'etymology.html'],
    ['ete', 'ete.html'],
    ['Eten', 'eten.html'],
    ['Paris', 'paris.html'],
  ];

  it('folds case and accents', () => {
    expect(foldTitle('  Été   Indien ')).toBe('ete indien');
  });

  it('finds titles by prefix whatever their case and accents, exact title first', async () => {
    const list = await listOf(entries);
    expect(list.suggest('ÉTE', 10).map((found) => found.path)).toEqual(['ete.html', 'ete-indien.html', 'eten.html']);
    expect(list.suggest('ete i', 10).map((found) => found.title)).toEqual(['Été indien']);
    expect(list.suggest('et', 2)).toHaveLength(2);
    expect(list.suggest('x', 10)).toEqual([]);
    expect(list.suggest('   ', 10)).toEqual([]);
  });
});
