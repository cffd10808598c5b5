import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { packSample, runCli, tempFolder } from '../helpers.js';

describe('queries as people type them', () => {
  let bundle: Bundle;
  let searcher: BundleSearcher;
  beforeAll(async () => {
    bundle = await Bundle.open(await packSample(await tempFolder()));
    searcher = new BundleSearcher(bundle);
  });
  afterAll(() => bundle.close());

  it('answers empty and stop-word-only queries with no results', async () => {
    for (const query of ['', '   ', 'the and of', 'a an the']) {
      const results = await searcher.search(query);
      expect(results.total, JSON.stringify(query)).toBe(0);
      expect(results.hits).toEqual([]);
    }
  });

  it("treats lunr's syntax characters as plain text, never as errors", async () => {
    for (const query of [
      '*',
      '~',
      '^',
      ':',
      '+',
      '-',
      'title:click',
      'click~2',
      '+option -prompt',
      'click^10',
      '"quoted"',
      'click*',
    ]) {
      const results = await searcher.search(query);
      expect(results.total, query).toBeGreaterThanOrEqual(0);
    }
    expect((await searcher.search('title:click')).total).toBeGreaterThan(0);
  });

  it('answers very long queries quickly instead of working through every word', async () => {
    const started = performance.now();
    // 100,000 characters: one word, and many.
    expect((await searcher.search('x'.repeat(100_000))).total).toBe(0);
    const results = await searcher.search('option '.repeat(Math.ceil(100_000 / 7)));
    expect(results.total).toBeGreaterThan(0);
    // As many words as a query keeps, each an identifier found only by one of its parts.
    const parts = Array.from({ length: 40 }, (_, i) => `click.nothing${i}`).join(' ');
    expect((await searcher.search(parts)).total).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('searches a bundle in a language lunr cannot stem, word for word', async () => {
    const folder = await tempFolder();
    const site = join(folder, 'site');
    await mkdir(site);
    await writeFile(join(site, 'index.html'), '<title>Wiki</title><p>Habari za asubuhi, karibu sana</p>');
    const output = join(folder, 'sw.ferry');
    expect((await runCli(['pack', site, '-o', output, '--language', 'swa'])).code).toBe(0);
    const run = await runCli(['search', output, 'karibu', '--json']);
    expect(JSON.parse(run.stdout.toString()).hits[0].path).toBe('index.html');
  });
});
