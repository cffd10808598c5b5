import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../src/bundle/reader.js';
import { encodeSearchStats, SEARCH_STATS_NAME } from '../../src/search/search-stats.js';
import { BundleSearcher, type SearchableBundle } from '../../src/search/searcher.js';
import { shardTermKeys } from '../../src/search/shard-reader.js';
import { TermDictionaryBuilder } from '../../src/search/term-dictionary-builder.js';
import { EVERY_SHARD, TermDictionary, TERMS_NAME } from '../../src/search/term-dictionary.js';
import { hash32 } from '../../src/search/term-hash.js';
import { tempFolder } from '../helpers.js';
import { buildShards, memoryReads, type TestDocument } from './build-shard.js';

/**
 * `search/terms` (FORMAT.md §5.9): a query visits only the shards that hold its terms, and ranks
 * exactly as when it visits them all.
 */

const builders: TermDictionaryBuilder[] = [];
afterEach(() => builders.splice(0).forEach((builder) => builder.close()));

async function newBuilder(): Promise<TermDictionaryBuilder> {
  const builder = new TermDictionaryBuilder(join(await tempFolder(), 'terms.spill'));
  builders.push(builder);
  return builder;
}

function keysOf(...terms: string[]): Uint32Array {
  return Uint32Array.from(terms.map(hash32)).sort();
}

describe('the term dictionary', () => {
  it('lists the shards of each term, rare terms only, and knows a term no shard has', async () => {
    const builder = await newBuilder();
    for (let shard = 0; shard < 160; shard++) {
      const own = [`only${shard}`, 'everywhere'];
      if (shard % 16 === 3) own.push('tentimes');
      if (shard < 21) own.push('twentyonetimes');
      builder.addShard(keysOf(...own));
    }
    const bytes = builder.encode()!;
    const dictionary = await TermDictionary.open(memoryReads(bytes), 160);
    expect(await dictionary.shardsWith('only0')).toEqual([0]);
    expect(await dictionary.shardsWith('only159')).toEqual([159]);
    expect(await dictionary.shardsWith('tentimes')).toEqual([3, 19, 35, 51, 67, 83, 99, 115, 131, 147]);
    // 160 shards list a term in at most twenty; one in more is in every shard.
    expect(await dictionary.shardsWith('twentyonetimes')).toBe(EVERY_SHARD);
    expect(await dictionary.shardsWith('everywhere')).toBe(EVERY_SHARD);
    expect(await dictionary.shardsWith('nowhere')).toEqual([]);
  });

  it('is not made for a bundle of few shards', async () => {
    const builder = await newBuilder();
    for (let shard = 0; shard < 127; shard++) builder.addShard(keysOf(`only${shard}`));
    expect(builder.encode()).toBeUndefined();
  });

  it('is refused when it belongs to an index of another number of shards', async () => {
    const builder = await newBuilder();
    for (let shard = 0; shard < 128; shard++) builder.addShard(keysOf(`only${shard}`));
    await expect(TermDictionary.open(memoryReads(builder.encode()!), 129)).rejects.toThrow(
      /term dictionary and search\/shards disagree/,
    );
  });
});

const PAGES = 130;

/** Pages each long enough to end its own shard (the target is one character): a shard each. */
function pages(): TestDocument[] {
  const words = ['harbour', 'ferry', 'tide', 'cargo', 'crossing', 'engine'];
  return Array.from({ length: PAGES }, (_, page) => ({
    path: `page-${String(page).padStart(3, '0')}.html`,
    title: `Page ${page} ${words[page % words.length]}`,
    text: `unique${page} ${words[page % 6]} ${words[(page * 5) % 6]} ferry ${page % 27 === 0 ? 'lighthouse' : ''}`,
  }));
}

/** A bundle in memory that counts which shards a search opens. */
async function memoryBundle(withDictionary: boolean): Promise<SearchableBundle & { opened: string[] }> {
  const { shards, stats } = buildShards(pages(), 'eng', 1);
  const entries = new Map<string, Buffer>(shards.map((shard) => [shard.name, shard.bytes]));
  entries.set(SEARCH_STATS_NAME, encodeSearchStats(stats));
  if (withDictionary) {
    const builder = await newBuilder();
    for (const shard of shards) builder.addShard(await shardTermKeys(shard.bytes, shard.name));
    entries.set(TERMS_NAME, builder.encode()!);
  }
  const opened: string[] = [];
  const bytesOf = (record: StoredRecord) => entries.get(record.name)!;
  return {
    name: 'ferries',
    label: 'ferries.ferry',
    manifest: {
      mainPage: 'index.html',
      version: 5,
      search: { shards: shards.length, documents: PAGES, language: 'eng' },
    },
    opened,
    resolve: async (name) => (entries.has(name) ? ({ name } as StoredRecord) : undefined),
    resolveContent: async () => undefined,
    randomAccess: async (record) => {
      if (record.name.startsWith('search/shard-')) opened.push(record.name);
      return memoryReads(bytesOf(record));
    },
    read: async (record) => bytesOf(record),
  };
}

describe('a search with the term dictionary', () => {
  it('opens only the shards that hold the query, and ranks as a search of every shard', async () => {
    const listed = await memoryBundle(true);
    const unlisted = await memoryBundle(false);
    const withDictionary = new BundleSearcher(listed);
    const without = new BundleSearcher(unlisted);
    const ranking = async (searcher: BundleSearcher, query: string) => {
      const results = await searcher.search(query, { limit: 50 });
      return { total: results.total, hits: results.hits.map(({ path, score }) => [path, score]) };
    };

    expect(await ranking(withDictionary, 'unique17')).toEqual({
      total: 1,
      hits: [['page-017.html', expect.any(Number)]],
    });
    expect(listed.opened).toHaveLength(1);
    for (const query of ['unique17', 'lighthouse', 'lighthouse unique3', 'ferry', 'harbour tide', 'nowhere', 'the']) {
      expect(await ranking(withDictionary, query), query).toEqual(await ranking(without, query));
    }
    expect(unlisted.opened).toHaveLength(PAGES);
  });
});
