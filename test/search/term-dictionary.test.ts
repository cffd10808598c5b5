import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../src/bundle/reader.js';
import { encodeSearchStats, fieldAverages, SEARCH_STATS_NAME } from '../../src/search/search-stats.js';
import { BundleSearcher, type SearchableBundle } from '../../src/search/searcher.js';
import { matchShards } from '../../src/search/match.js';
import { parseQuery } from '../../src/search/parse.js';
import { allClauses, bestMatches, bestTitled, rankMatches } from '../../src/search/rank.js';
import { listShards, queryLanguages } from '../../src/search/shard-list.js';
import { matchPlanned } from '../../src/search/shard-plan.js';
import { openShard } from '../../src/search/shard-reader.js';
import { TermDictionaryBuilder } from '../../src/search/term-dictionary-builder.js';
import { isCommon, namedShardsLimit, TermDictionary, TERMS_NAME } from '../../src/search/term-dictionary.js';
import { tempFolder } from '../helpers.js';
import { buildShards, memoryReads, type TestDocument } from './build-shard.js';

/**
 * `search/terms` (FORMAT.md §5.9): a query visits only the shards that hold its terms, and ranks
 * exactly as when it visits them all.
 */

const builders: TermDictionaryBuilder[] = [];
afterEach(() => builders.splice(0).forEach((builder) => builder.close()));

/** The dictionary of these pages, a shard each; undefined when there are too few. */
async function dictionaryOf(documents: TestDocument[]): Promise<{ bytes?: Buffer; shards: number }> {
  const { shards, stats } = buildShards(documents, 'eng', 1);
  const builder = new TermDictionaryBuilder(join(await tempFolder(), 'terms.spill'));
  builders.push(builder);
  for (const shard of shards) await builder.addShard(shard.bytes, shard.name);
  const bytes = await builder.encode({ averages: fieldAverages(stats) });
  return bytes ? { bytes, shards: shards.length } : { shards: shards.length };
}

/** The dictionary's offsets: where its table starts, and each block's start and end. */
function blocksOf(bytes: Buffer): { tableOffset: number; blockCount: number; starts: number[] } {
  const blockCount = bytes.readUInt32LE(16);
  const tableOffset = bytes.readUInt32LE(20);
  const starts = Array.from({ length: blockCount + 1 }, (_, i) => bytes.readUInt32LE(tableOffset + 12 * i + 4));
  return { tableOffset, blockCount, starts };
}

/** The same dictionary with its checksums made anew, as a writer that wrote these bytes would. */
function resealed(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const { tableOffset, blockCount, starts } = blocksOf(copy);
  for (let i = 0; i < blockCount; i++) {
    copy.writeUInt32LE(zlibCrc32(copy.subarray(starts[i]!, starts[i + 1]!)), tableOffset + 12 * i + 8);
  }
  const end = copy.length - 4;
  copy.writeUInt32LE(zlibCrc32(copy.subarray(tableOffset, end), zlibCrc32(copy.subarray(0, 24))), end);
  return copy;
}

/** The dictionary as format 5 wrote it (FRYTRM1): its table without CRC-32s, and no checksum at its end. */
function withoutChecksums(bytes: Buffer): Buffer {
  const { tableOffset, blockCount } = blocksOf(bytes);
  const table: Buffer[] = [];
  for (let i = 0; i < blockCount; i++) table.push(bytes.subarray(tableOffset + 12 * i, tableOffset + 12 * i + 8));
  table.push(bytes.subarray(tableOffset + 12 * blockCount, tableOffset + 12 * blockCount + 4));
  const old = Buffer.concat([bytes.subarray(0, tableOffset), ...table]);
  old.write('FRYTRM1\0', 0, 'latin1');
  return old;
}

/** A page with its own word, and `also` in its text. */
function page(number: number, also: string[] = [], title = `Page ${number}`): TestDocument {
  return { path: `page-${String(number).padStart(3, '0')}.html`, title, text: `only${number} ${also.join(' ')}` };
}

describe('the term dictionary', () => {
  it('lists the shards of rare terms, and names where a common term scores best', async () => {
    const documents = Array.from({ length: 160 }, (_, number) => {
      const also = ['commonword'];
      if (number % 16 === 3) also.push('tenfold');
      // Four pages have the common word in their title too: their shards are bound highest.
      return page(number, also, number % 40 === 7 ? `Commonword ${number}` : `Page ${number}`);
    });
    const { bytes, shards } = await dictionaryOf(documents);
    expect(shards).toBe(160);
    const dictionary = await TermDictionary.open(memoryReads(bytes!), 160);
    expect(await dictionary.shardsWith('only0')).toEqual([0]);
    expect(await dictionary.shardsWith('only159')).toEqual([159]);
    expect(await dictionary.shardsWith('tenfold')).toEqual([3, 19, 35, 51, 67, 83, 99, 115, 131, 147]);
    expect(await dictionary.shardsWith('nowhere')).toEqual([]);
    // 160 shards list a term in at most twenty; one in more is common.
    const common = await dictionary.shardsWith('commonword');
    if (!isCommon(common)) throw new Error('"commonword" is not common');
    expect(common.documents).toBe(160);
    // A bound per named shard, best first: twenty of 160.
    expect(common.shards).toHaveLength(namedShardsLimit(160));
    expect(common.shards).toHaveLength(20);
    expect(common.shards.slice(0, 4)).toEqual([7, 47, 87, 127]);
    expect(common.bounds[3]!).toBeGreaterThan(2 * common.bounds[4]!);
    expect(common.rest).toBeLessThanOrEqual(common.bounds[19]!);
    expect(common.rest).toBeGreaterThan(0);
  });

  it('is not made for a bundle of few shards', async () => {
    expect((await dictionaryOf(Array.from({ length: 127 }, (_, number) => page(number)))).bytes).toBeUndefined();
  });

  it('is found damaged by a full read when a list names a shard the bundle does not have', async () => {
    const { bytes } = await dictionaryOf(Array.from({ length: 128 }, (_, number) => page(number)));
    const dictionary = await TermDictionary.open(memoryReads(bytes!), 128);
    await expect(dictionary.check()).resolves.toBeUndefined();
    // The first term of the first block is rare: its count, then its one shard's number, made 127
    // in a dictionary that says it has 100 shards.
    const damaged = Buffer.from(bytes!);
    expect(damaged[24]).toBe(0);
    expect(damaged[25]).toBe(1);
    damaged[26] = 0x7f;
    damaged.writeUInt32LE(100, 8);
    // Written so, with checksums that match: a writer's fault, not a card's.
    await expect((await TermDictionary.open(memoryReads(resealed(damaged)), 100)).check()).rejects.toThrow(
      /term dictionary is damaged: a term names a shard the bundle does not have/,
    );
  });

  it('checks each block it reads against its CRC-32, and reads only that block and the table', async () => {
    const documents = Array.from({ length: 300 }, (_, number) => page(number));
    const { bytes } = await dictionaryOf(documents);
    const blockCount = bytes!.readUInt32LE(16);
    const tableOffset = bytes!.readUInt32LE(20);
    expect(blockCount).toBeGreaterThan(2);
    const reads = memoryReads(bytes!);
    const dictionary = await TermDictionary.open(reads, 300);
    expect(await dictionary.shardsWith('only299')).toEqual([299]);
    // The header, the table and one block: not the blocks a whole check would read.
    expect(reads.bytesRead).toBeLessThan(24 + (bytes!.length - tableOffset) + (tableOffset - 24) / 2);

    // One byte of the last block changed: the lookup that reads it fails, naming the checksum.
    const lastBlock = bytes!.readUInt32LE(tableOffset + 12 * (blockCount - 1) + 4);
    const damaged = Buffer.from(bytes!);
    damaged[lastBlock + 1]! ^= 0x40;
    const opened = await TermDictionary.open(memoryReads(damaged), 300);
    expect(await opened.shardsWith('only0')).toEqual([0]);
    await expect(opened.check()).rejects.toThrow(
      new RegExp(`term dictionary is damaged: its block ${blockCount - 1} does not match its checksum`),
    );
  });

  it('refuses at open a dictionary whose header or block table was changed', async () => {
    const { bytes } = await dictionaryOf(Array.from({ length: 128 }, (_, number) => page(number)));
    const damaged = Buffer.from(bytes!);
    damaged[damaged.length - 9]! ^= 0x01; // the low byte of where the blocks end
    await expect(TermDictionary.open(memoryReads(damaged), 128)).rejects.toThrow(
      /header or block table does not match its checksum/,
    );
  });

  it('reads a dictionary of format 5, which has no checksums, after checking it whole', async () => {
    const documents = Array.from({ length: 160 }, (_, number) => page(number, number % 16 === 3 ? ['tenfold'] : []));
    const { bytes } = await dictionaryOf(documents);
    const reads = { ...memoryReads(withoutChecksums(bytes!)), wholeChecks: 0 };
    const dictionary = await TermDictionary.open({ ...reads, checkWhole: async () => void reads.wholeChecks++ }, 160);
    expect(reads.wholeChecks).toBe(1);
    expect(await dictionary.shardsWith('tenfold')).toEqual([3, 19, 35, 51, 67, 83, 99, 115, 131, 147]);
    await expect(dictionary.check()).resolves.toBeUndefined();
  });

  it('is refused when it belongs to an index of another number of shards', async () => {
    const { bytes } = await dictionaryOf(Array.from({ length: 128 }, (_, number) => page(number)));
    await expect(TermDictionary.open(memoryReads(bytes!), 129)).rejects.toThrow(
      /term dictionary and search\/shards disagree/,
    );
  });
});

const PAGES = 400;

/**
 * Pages each long enough to end its own shard (the target is one character): a shard each. Each
 * says "ferry" a different number of times, so their scores differ as real pages' do.
 */
function pages(): TestDocument[] {
  const words = ['harbour', 'ferry', 'tide', 'cargo', 'crossing', 'engine'];
  return Array.from({ length: PAGES }, (_, page) => ({
    path: `page-${String(page).padStart(3, '0')}.html`,
    title:
      page === EXACT_TITLE_PAGE ? 'Ferry — The Harbour Guide' : `Page ${page} ${page % 12 === 1 ? 'ferry' : 'boat'}`,
    // Headings that are a query, word for word, or hold its words: rank multiplies those pages.
    headings: page % 9 === 0 ? 'Ferry harbour' : page % 10 === 0 ? 'Harbour tide' : '',
    text:
      `unique${page} ${words[page % 6]} ${words[((page * 5) % 7) % 6]} ` +
      `${'ferry '.repeat(page === EXACT_TITLE_PAGE ? 1 : 1 + ((page * 7) % 13))}${page % 27 === 0 ? 'lighthouse' : ''}`,
  }));
}

/** Titled "Ferry" before its site's name, it says the word once: the query "ferry" finds it first all the same. */
const EXACT_TITLE_PAGE = 200;

/** A bundle in memory that counts which shards a search opens. */
async function memoryBundle(withDictionary: boolean): Promise<SearchableBundle & { opened: string[] }> {
  const { shards, stats } = buildShards(pages(), 'eng', 1);
  const entries = new Map<string, Buffer>(shards.map((shard) => [shard.name, shard.bytes]));
  entries.set(SEARCH_STATS_NAME, encodeSearchStats(stats));
  if (withDictionary) {
    const builder = new TermDictionaryBuilder(join(await tempFolder(), 'terms.spill'));
    builders.push(builder);
    for (const shard of shards) await builder.addShard(shard.bytes, shard.name);
    entries.set(TERMS_NAME, (await builder.encode({ averages: fieldAverages(stats) }))!);
  }
  const opened: string[] = [];
  const bytesOf = (record: StoredRecord) => entries.get(record.name)!;
  return {
    name: 'ferries',
    label: 'ferries.ferry',
    manifest: {
      mainPage: 'index.html',
      version: 6,
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
  const ranking = async (searcher: BundleSearcher, query: string, limit = 50) => {
    const results = await searcher.search(query, { limit });
    return { total: results.total, hits: results.hits.map(({ path, score }) => [path, score]) };
  };

  it('opens only the shards that hold a rare word, and ranks as a search of every shard', async () => {
    const listed = await memoryBundle(true);
    const unlisted = await memoryBundle(false);
    const withDictionary = new BundleSearcher(listed);
    const without = new BundleSearcher(unlisted);
    expect(await ranking(withDictionary, 'unique17')).toEqual({
      total: 1,
      hits: [['page-017.html', expect.any(Number)]],
    });
    expect(listed.opened).toHaveLength(1);
    for (const query of ['unique17', 'lighthouse', 'lighthouse unique3', 'nowhere', 'the']) {
      expect(await ranking(withDictionary, query), query).toEqual(await ranking(without, query));
    }
    expect(unlisted.opened).toHaveLength(PAGES);
  });

  it('reads a common word in the shards where it scores best, and finds the same best pages', async () => {
    const listed = await memoryBundle(true);
    const withDictionary = new BundleSearcher(listed);
    const without = new BundleSearcher(await memoryBundle(false));
    // "ferry" is in every page, and in the title of a twelfth: the best ten are in as many shards.
    // Fewer than fifty have it in their title, so a search of every shard finds the exact title too.
    const ferry = await ranking(withDictionary, 'ferry', 10);
    expect(ferry).toEqual(await ranking(without, 'ferry', 10));
    expect(ferry.hits[0]![0]).toBe('page-200.html');
    expect(listed.opened.length).toBeLessThan(PAGES / 4);
    expect(await ranking(withDictionary, 'ferry', 50)).toEqual(await ranking(without, 'ferry', 50));
    const queries = ['harbour', 'harbour tide', 'ferry harbour', 'tide ferry', 'ferry lighthouse', 'cargo unique40'];
    for (const query of [...queries, 'page 12 cargo']) {
      for (const limit of [10, 50]) {
        const [found, all] = [await ranking(withDictionary, query, limit), await ranking(without, query, limit)];
        expect(found.hits, query).toEqual(all.hits);
      }
    }
    // A rare word with a common one: pages without the rare word cover half the query at most.
    const mixed = await memoryBundle(true);
    const mixedSearcher = new BundleSearcher(mixed);
    expect((await ranking(mixedSearcher, 'ferry unique40', 10)).hits).toEqual(
      (await ranking(without, 'ferry unique40', 10)).hits,
    );
    expect(mixed.opened.length).toBeLessThan(PAGES / 4);
    // Past the best fifty, a query reads what it needs.
    expect((await withDictionary.search('ferry', { offset: 100, limit: 20 })).hits).toEqual(
      (await without.search('ferry', { offset: 100, limit: 20 })).hits,
    );
  });
});

describe('a search that reads shards a batch at a time', () => {
  it('keeps only the matches that can still rank, and finds what holding them all finds', async () => {
    const bundle = await memoryBundle(true);
    const { names, corpus } = await listShards(bundle);
    const shards = await Promise.all(
      names.map(async (name) => openShard(await bundle.randomAccess((await bundle.resolve(name))!))),
    );
    const dictionary = await TermDictionary.open(
      await bundle.randomAccess((await bundle.resolve(TERMS_NAME))!),
      names.length,
    );
    const languages = queryLanguages(bundle.manifest);
    const everyShard = names.map((_, number) => number);
    type Matches = Awaited<ReturnType<typeof matchShards>>;
    const pages = (refs: [number, number][], matches: Matches, numbers: number[]) =>
      refs.map(([shard, at]) => [numbers[shard], matches[shard]!.docs[at], matches[shard]!.scores[at]]);
    // "page" is in all 400 titles: more than the 50 titled pages checked for an exact title.
    for (const text of ['ferry', 'page', 'harbour tide', 'ferry lighthouse', 'page ferry']) {
      const query = parseQuery(text, languages);
      // Every match of every shard held at once, as the search did before it read them in batches.
      const all = await matchShards(shards, query, corpus);
      rankMatches(shards, all, query);
      const best = pages(bestMatches(all, 10), all, everyShard);
      const open = async (number: number) => shards[number]!;
      const planned = await matchPlanned(text, query, corpus, shards.length, undefined, open, 10);
      const kept = planned.visited.map(({ matches }) => matches);
      const numbers = planned.visited.map(({ number }) => number);
      expect(pages(bestMatches(kept, 10), kept, numbers), text).toEqual(best);
      // The pages the searcher reads for an exact title are kept too.
      const titled = (matches: Matches) => bestTitled(matches, allClauses(query));
      expect(pages(titled(kept), kept, numbers), text).toEqual(pages(titled(all), all, everyShard));
      expect(planned.total, text).toBe(all.reduce((sum, { docs }) => sum + docs.length, 0));
      // "ferry" is in all 400 pages: what is held is the best pages and ties, not every match.
      const held = kept.reduce((sum, { docs }) => sum + docs.length, 0);
      if (text === 'ferry') expect(held).toBeLessThan(100);
      // With the dictionary, batches of eight come in order of bound, not of shard number.
      const bounded = await matchPlanned(text, query, corpus, shards.length, dictionary, open, 10);
      const boundedKept = bounded.visited.map(({ matches }) => matches);
      const boundedNumbers = bounded.visited.map(({ number }) => number);
      expect(pages(bestMatches(boundedKept, 10), boundedKept, boundedNumbers), text).toEqual(best);
    }
  });
});
