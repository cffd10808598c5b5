import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { decodeSearchStats, SEARCH_STATS_NAME } from '../../src/search/search-stats.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { TERMS_NAME } from '../../src/search/term-dictionary.js';
import { damageEntry, runCli, tempFolder } from '../helpers.js';

/**
 * `ferry pack` writes `search/terms` for a bundle of many shards, numbered as `search/shards`
 * lists them, also when an edition keeps shards of its base and adds new ones between them.
 */

const PAGES = 130;
const VOCABULARY = ['river', 'ferry', 'crossing', 'harbour', 'tide', 'cargo', 'passenger', 'engine'];

/**
 * Some 270,000 characters of text, more than a shard's target, so each page ends its own shard;
 * most of it a rule of dashes, which makes no terms, so packing 130 such pages takes seconds.
 */
function pageHtml(name: string, own: string): string {
  const words = Array.from({ length: 200 }, (_, i) => VOCABULARY[(i * i + name.length) % VOCABULARY.length]);
  return (
    `<!DOCTYPE html><html lang="en"><head><title>${name}</title></head><body><main>` +
    `<h1>${name}</h1><p>${own} ${words.join(' ')}</p><p>${'-'.repeat(270_000)}</p></main></body></html>`
  );
}

async function writeSite(folder: string, pages: Record<string, string>): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  for (const [name, own] of Object.entries(pages)) await writeFile(join(folder, `${name}.html`), pageHtml(name, own));
}

async function pack(site: string, output: string, base?: string): Promise<void> {
  const args = ['pack', site, '-o', output, '--name', 'ferries', '--language', 'eng'];
  const run = await runCli(base ? [...args, '--base', base] : args, { SOURCE_DATE_EPOCH: '1700000000' });
  expect(run.code, run.stderr).toBe(0);
}

/** Shards of the second bundle that are the first's byte for byte: those an edition kept. */
async function sameShards(first: string, second: string): Promise<number> {
  const digests = async (path: string) => {
    const bundle = await Bundle.open(path);
    const found = new Set<string>();
    for await (const record of bundle.records()) {
      if (record.name.startsWith('search/shard-') && 'locator' in record)
        found.add(`${record.name} ${record.locator.sha256.toString('hex')}`);
    }
    await bundle.close();
    return found;
  };
  const [before, after] = await Promise.all([digests(first), digests(second)]);
  return [...after].filter((shard) => before.has(shard)).length;
}

async function searchIn(path: string, queries: string[]): Promise<{ shards: number; found: string[][] }> {
  const bundle = await Bundle.open(path);
  try {
    expect(await bundle.resolve(TERMS_NAME)).toBeDefined();
    const stats = decodeSearchStats(await bundle.read((await bundle.resolve(SEARCH_STATS_NAME))!), path);
    const searcher = new BundleSearcher(bundle);
    const found: string[][] = [];
    for (const query of queries) found.push((await searcher.search(query)).hits.map((hit) => hit.path));
    return { shards: stats.shards.length, found };
  } finally {
    await bundle.close();
  }
}

describe('a packed bundle of many shards', () => {
  let folder: string;
  const pages: Record<string, string> = {};
  for (let page = 0; page < PAGES; page++) pages[`page-${String(page).padStart(3, '0')}`] = `own${page}`;

  beforeAll(async () => {
    folder = await tempFolder();
    await writeSite(join(folder, 'site'), pages);
    await pack(join(folder, 'site'), join(folder, 'first.ferry'));
  }, 60_000);

  it('finds a rare word through its dictionary', async () => {
    const { shards, found } = await searchIn(join(folder, 'first.ferry'), ['own0', 'own20', 'own33', 'own999']);
    expect(shards).toBeGreaterThanOrEqual(PAGES);
    expect(found).toEqual([['page-000.html'], ['page-020.html'], ['page-033.html'], []]);
  });

  it('numbers kept and new shards of an edition as search/shards lists them', async () => {
    // A page added early shifts the number of every shard after it; one page changes its word.
    await writeSite(join(folder, 'site'), { ...pages, 'page-001a': 'added', 'page-030': 'changed' });
    await pack(join(folder, 'site'), join(folder, 'second.ferry'), join(folder, 'first.ferry'));
    const { found } = await searchIn(join(folder, 'second.ferry'), ['own0', 'added', 'own20', 'changed', 'own30']);
    expect(found).toEqual([['page-000.html'], ['page-001a.html'], ['page-020.html'], ['page-030.html'], []]);
    expect(await sameShards(join(folder, 'first.ferry'), join(folder, 'second.ferry'))).toBeGreaterThanOrEqual(
      PAGES - 1,
    );
    const verify = await runCli(['verify', join(folder, 'second.ferry')]);
    expect(verify.code, verify.stdout.toString()).toBe(0);
  }, 60_000);

  it('fails a search and verify, naming the dictionary, when a byte of it is damaged', async () => {
    const damaged = join(folder, 'damaged.ferry');
    await damageEntry(join(folder, 'first.ferry'), damaged, TERMS_NAME, 30);
    const bundle = await Bundle.open(damaged);
    try {
      await expect(new BundleSearcher(bundle).search('own20')).rejects.toThrow(/search\/terms/);
    } finally {
      await bundle.close();
    }
    const verify = await runCli(['verify', damaged]);
    expect(verify.code).not.toBe(0);
    expect(verify.stdout.toString()).toMatch(/search\/terms/);
  });
});
