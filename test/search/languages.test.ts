import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { parseQuery } from '../../src/search/parse.js';
import { queryLanguage } from '../../src/search/pipelines.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { runCli, tempFolder } from '../helpers.js';
import { searchShard } from './build-shard.js';

const pages = [
  { path: 'haus.html', title: 'Am Fluss', text: 'Die Häuser am Fluss sind alt.', language: 'deu' },
  { path: 'cheval.html', title: 'À la ferme', text: 'Les chevaux de la ferme mangent.', language: 'fra' },
  { path: 'river.html', title: 'By the river', text: 'Old houses stand by the river.' },
];

describe('a bundle of several languages', () => {
  it('stems each page as its own language, and reads a query in each', async () => {
    // English stemming keeps "häusern" and "häuser" apart, and "cheval" and "chevaux".
    expect(await searchShard(pages, 'Häusern', 'eng,deu,fra')).toEqual(['haus.html']);
    expect(await searchShard(pages, 'cheval', 'eng,deu,fra')).toEqual(['cheval.html']);
    expect(await searchShard(pages, 'houses', 'eng,deu,fra')).toEqual(['river.html']);
  });

  it('takes a page language from its <html lang> when packing a site, and lists it for queries', async () => {
    const work = await tempFolder();
    const site = join(work, 'site');
    await mkdir(site);
    const html = (lang: string, title: string, text: string) =>
      `<!doctype html><html lang="${lang}"><head><title>${title}</title></head><body><p>${text}</p></body></html>`;
    await writeFile(join(site, 'index.html'), html('en', 'Stories', 'Stories from the river.'));
    await writeFile(join(site, 'de.html'), html('de-AT', 'Am Fluss', 'Die Häuser am Fluss sind alt.'));
    const output = join(work, 'mixed.ferry');
    const run = await runCli(['pack', site, '-o', output, '--name', 'mixed', '--language', 'eng']);
    expect(run.code, run.stderr).toBe(0);
    const bundle = await Bundle.open(output);
    try {
      expect(bundle.manifest.search.language).toBe('eng,deu');
      const results = await new BundleSearcher(bundle).search('Häusern');
      expect(results.hits.map((hit) => hit.path)).toEqual(['de.html']);
      expect(results.hits[0]!.snippet.text).toContain('Häuser');
    } finally {
      await bundle.close();
    }
  });
});

describe('a query in a bundle of several languages', () => {
  it("is a heading's phrase in each language that keeps its words, though another drops one as a stop word", () => {
    const languages = ['eng', 'deu'].map((code) => queryLanguage(code, 'eng'));
    // "die" is a German stop word, so it is no clause; an English heading "Die Hard" keeps it.
    const parsed = parseQuery('Die Hard', languages);
    expect(parsed.clauses).toHaveLength(1);
    expect(parsed.phrases).toContain('"die hard');
  });
});
