import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import {
  decodeSearchStats,
  encodeSearchStats,
  SEARCH_STATS_NAME,
  type SearchStats,
} from '../../src/search/search-stats.js';
import { analyse } from '../../src/search/analyse.js';
import type { BaseIndex } from '../../src/search/base-index.js';
import { analysedFingerprint } from '../../src/search/page-fingerprint.js';
import { createBuilder } from '../../src/search/pipelines.js';
import { ShardBuilder } from '../../src/search/shard-builder.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { damageEntry, largestShard, runCli, tempFolder } from '../helpers.js';

/**
 * `ferry pack --base`: a new edition keeps the search shards of its base where their pages are
 * unchanged, marks the replaced pages dead, and indexes them again in a small delta shard, so
 * `ferry update` fetches little of the index (FORMAT.md §5.8).
 */

const PAGES = 300;
const VOCABULARY = [
  'river',
  'ferry',
  'crossing',
  'harbour',
  'tide',
  'cargo',
  'passenger',
  'timetable',
  'engine',
  'bridge',
];

/** Some 3,000 characters of text per page, each page with its own word `uniqN`. */
function pageHtml(page: number, extra = ''): string {
  const sentences: string[] = [];
  for (let i = 0; i < 40; i++) {
    const words = Array.from({ length: 10 }, (_, w) => VOCABULARY[(page * 7 + i * 3 + w * w) % VOCABULARY.length]);
    sentences.push(`${words.join(' ')}.`);
  }
  return (
    `<!DOCTYPE html><html lang="en"><head><title>Page ${page}</title></head><body><main>` +
    `<h1>Page ${page}</h1><p>uniq${page} ${extra} ${sentences.join(' ')}</p></main></body></html>`
  );
}

/** Writes the site: `edits` replaces a page's text (undefined removes it); `added` adds pages. */
async function writeSite(
  folder: string,
  edits: Map<number, string | undefined> = new Map(),
  added: Record<string, string> = {},
): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  for (let page = 0; page < PAGES; page++) {
    if (edits.has(page) && edits.get(page) === undefined) continue;
    const name = `page-${String(page).padStart(3, '0')}.html`;
    await writeFile(join(folder, name), edits.has(page) ? edits.get(page)! : pageHtml(page));
  }
  for (const [name, html] of Object.entries(added)) await writeFile(join(folder, name), html);
}

async function pack(site: string, output: string, base?: string): Promise<void> {
  const args = ['pack', site, '-o', output, '--name', 'ferries', '--title', 'Ferries', '--language', 'eng'];
  const run = await runCli(base ? [...args, '--base', base] : args, { SOURCE_DATE_EPOCH: '1700000000' });
  expect(run.code, run.stderr).toBe(0);
}

interface Edition {
  stats: SearchStats;
  /** Shard entry name → its stored bytes. */
  shards: Map<string, Buffer>;
  search(query: string): Promise<{ paths: string[]; total: number }>;
  close(): Promise<void>;
}

async function openEdition(path: string): Promise<Edition> {
  const bundle = await Bundle.open(path);
  const stats = decodeSearchStats(await bundle.read((await bundle.resolve(SEARCH_STATS_NAME))!), path);
  const shards = new Map<string, Buffer>();
  for await (const record of bundle.records()) {
    if (record.name.startsWith('search/shard-') && 'locator' in record)
      shards.set(record.name, await bundle.readRaw(record));
  }
  const searcher = new BundleSearcher(bundle);
  return {
    stats,
    shards,
    async search(query) {
      const results = await searcher.search(query, { limit: 20 });
      return { paths: results.hits.map((hit) => hit.path), total: results.total };
    },
    close: () => bundle.close(),
  };
}

/** Bytes of `after`'s shards that `before` does not have under the same name with the same bytes. */
function newShardBytes(before: Edition, after: Edition): number {
  let bytes = 0;
  for (const [name, data] of after.shards) if (!before.shards.get(name)?.equals(data)) bytes += data.length;
  return bytes;
}

function totalBytes(edition: Edition): number {
  return [...edition.shards.values()].reduce((sum, data) => sum + data.length, 0);
}

describe('an edition packed with --base', () => {
  let folder: string;
  let site: string;
  const path = (name: string) => join(folder, name);
  const openEditions = async (...names: [string, string, string]) =>
    (await Promise.all(names.map((name) => openEdition(path(`${name}.ferry`))))) as [Edition, Edition, Edition];

  beforeAll(async () => {
    folder = await tempFolder();
    site = path('site');
    await writeSite(site);
    await pack(site, path('first.ferry'));
  });

  it('keeps the shards of unchanged pages byte for byte and finds every page as it is now', async () => {
    const edits = new Map<number, string | undefined>([
      [5, pageHtml(5).replace('uniq5', 'revisedfive')],
      [10, undefined],
      [150, pageHtml(150, 'harbourmaster')],
    ]);
    await writeSite(site, edits, { 'page-new.html': pageHtml(999).replace('uniq999', 'brandnew') });
    await pack(site, path('second.ferry'), path('first.ferry'));
    await pack(site, path('second-fresh.ferry'));
    const [first, second, fresh] = await openEditions('first', 'second', 'second-fresh');
    try {
      expect(first.stats.shards.length).toBeGreaterThan(3);
      const delta = second.stats.shards.filter((shard) => shard.delta);
      expect(delta.length).toBeGreaterThan(0);
      expect(second.stats.shards.some((shard) => shard.dead.length > 0)).toBe(true);
      // Only the delta's few pages were indexed again: a twentieth of the index or less is new.
      expect(newShardBytes(first, second)).toBeLessThan(totalBytes(first) / 20);
      // Made without --base, every shard that held a changed page changes.
      expect(newShardBytes(first, fresh)).toBeGreaterThan(newShardBytes(first, second));

      expect((await second.search('revisedfive')).paths).toEqual(['page-005.html']);
      expect((await second.search('uniq5')).total).toBe(0);
      expect((await second.search('uniq10')).total).toBe(0);
      expect((await second.search('brandnew')).paths).toEqual(['page-new.html']);
      expect((await second.search('harbourmaster')).paths).toEqual(['page-150.html']);
      expect((await second.search('uniq150')).paths).toEqual(['page-150.html']);
      expect((await second.search('uniq7')).paths).toEqual(['page-007.html']);
      // Dead pages match nothing: as many pages have a common word as in a fresh pack.
      expect((await second.search('river')).total).toBe((await fresh.search('river')).total);
      expect(second.stats.documents).toBe(fresh.stats.documents);
      expect(second.stats.fieldLengths).toEqual(fresh.stats.fieldLengths);
    } finally {
      await Promise.all([first, second, fresh].map((edition) => edition.close()));
    }
    const verify = await runCli(['verify', path('second.ferry')]);
    expect(verify.code, verify.stdout.toString()).toBe(0);
  });

  it('is made whole, with a warning, when the base has a damaged search shard', async () => {
    const shard = await largestShard(path('first.ferry'));
    await damageEntry(path('first.ferry'), path('damaged.ferry'), shard);
    const args = ['pack', site, '-o', path('from-damaged.ferry'), '--name', 'ferries', '--language', 'eng'];
    const run = await runCli([...args, '--base', path('damaged.ferry')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /--base .*damaged\.ferry": its search index is damaged, so every search shard is made anew\. .*CRC-32/,
    );
    const edition = await openEdition(path('from-damaged.ferry'));
    try {
      expect(edition.stats.shards.every((listing) => !listing.delta && listing.dead.length === 0)).toBe(true);
      expect((await edition.search('uniq7')).paths).toEqual(['page-007.html']);
    } finally {
      await edition.close();
    }
  });

  it('can be the base of the next edition, and is made anew where much changed', async () => {
    // A page of the delta changes again, and another page.
    await writeSite(
      site,
      new Map([
        [5, pageHtml(5).replace('uniq5', 'thirdfive')],
        [200, pageHtml(200, 'lighthouse')],
      ]),
    );
    await pack(site, path('third.ferry'), path('second.ferry'));
    // Half the pages change: every shard is made anew, as a pack without --base makes it.
    const half = new Map<number, string>();
    for (let page = 0; page < PAGES; page += 2) half.set(page, pageHtml(page, 'overhaul'));
    await writeSite(site, half);
    await pack(site, path('fourth.ferry'), path('third.ferry'));
    await pack(site, path('fourth-fresh.ferry'));
    const [third, fourth, fresh] = await openEditions('third', 'fourth', 'fourth-fresh');
    try {
      expect((await third.search('thirdfive')).paths).toEqual(['page-005.html']);
      expect((await third.search('revisedfive')).total).toBe(0);
      expect((await third.search('lighthouse')).paths).toEqual(['page-200.html']);
      expect((await third.search('uniq10')).paths).toEqual(['page-010.html']);
      expect((await third.search('brandnew')).total).toBe(0);

      expect(fourth.stats.shards.every((shard) => !shard.delta && shard.dead.length === 0)).toBe(true);
      expect([...fourth.shards.keys()]).toEqual([...fresh.shards.keys()]);
      for (const [name, data] of fourth.shards) expect(data.equals(fresh.shards.get(name)!), name).toBe(true);
      expect((await fourth.search('overhaul')).total).toBe(PAGES / 2);
    } finally {
      await Promise.all([third, fourth, fresh].map((edition) => edition.close()));
    }
  });
});

describe('search statistics with dead pages', () => {
  const stats = (dead: number[]): SearchStats => ({
    documents: 3,
    fieldLengths: [3, 6, 90],
    shards: [{ id: 0x1234abcd, documents: 4, delta: false, dead }],
    languagePages: new Map(),
  });

  it('read back as written', () => {
    expect(decodeSearchStats(encodeSearchStats(stats([2])), 'a.ferry')).toEqual(stats([2]));
  });

  it('are refused, naming the entry, when a dead page is not in its shard', () => {
    expect(() => decodeSearchStats(encodeSearchStats(stats([4])), 'a.ferry')).toThrow(
      /a\.ferry: search\/shards lists a dead page that is not in its shard/,
    );
    expect(() => decodeSearchStats(encodeSearchStats(stats([1, 1])), 'a.ferry')).toThrow(/dead page/);
  });
});

describe('keeping a base shard', () => {
  it('indexes a page again whose path has the key of a kept page (a hash collision), never drops it', () => {
    const pipeline = createBuilder('eng').pipeline;
    const pages = Array.from({ length: 8 }, (_, i) => ({
      path: `p${i}.html`,
      title: `Page ${i}`,
      headings: '',
      text: `words of page ${i}`,
    }));
    const slots = new Map(
      pages.map((page, doc) => [
        page.path,
        { shard: 0, doc, fingerprint: analysedFingerprint(analyse(page, pipeline)) },
      ]),
    );
    // The new page's path looks up the slot of p0, as two paths of one 53-bit key would.
    slots.set('new.html', slots.get('p0.html')!);
    const base = {
      shards: [{ name: 'search/shard-00000001.bin', listing: { id: 1, documents: 8, delta: false, dead: [] } }],
      live: { get: (path: string) => slots.get(path) },
    } as unknown as BaseIndex;
    const builder = new ShardBuilder('eng', Number.MAX_SAFE_INTEGER, base);
    for (const page of [...pages, { path: 'new.html', title: 'New', headings: '', text: 'fresh words' }]) {
      expect(builder.add(page)).toEqual([]);
    }
    const { last, stats } = builder.finish();
    expect(last.map((shard) => ('fromBase' in shard ? 'kept' : 'made'))).toEqual(['kept', 'made']);
    expect(stats.shards.map(({ documents, delta, dead }) => ({ documents, delta, dead }))).toEqual([
      { documents: 8, delta: false, dead: [] },
      { documents: 1, delta: true, dead: [] },
    ]);
  });
});
