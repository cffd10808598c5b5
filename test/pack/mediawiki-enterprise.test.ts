import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { pageText, REPO, runCli, tempFolder, type CliRun } from '../helpers.js';

const RECORDS = join(REPO, 'test/fixtures/mediawiki-enterprise/articles.ndjson');

/** A dump as Wikimedia makes them: NDJSON lines (here real ones, unchanged) in a gzipped tar. */
async function enterpriseDump(folder: string, name: string, lines: string[]): Promise<string> {
  const inner = join(folder, `${name}-content`);
  execFileSync('mkdir', ['-p', inner]);
  await writeFile(join(inner, `${name}_namespace_0_0.ndjson`), lines.map((line) => `${line}\n`).join(''));
  const dump = join(folder, `${name}-NS0-20230801-ENTERPRISE-HTML.json.tar.gz`);
  execFileSync('tar', ['-czf', dump, '-C', inner, `${name}_namespace_0_0.ndjson`]);
  return dump;
}

function pack(dump: string, output: string, extra: string[] = []): Promise<CliRun> {
  return runCli(['pack', '--kind', 'mediawiki', dump, '-o', output, ...extra], { SOURCE_DATE_EPOCH: '1700000000' });
}

describe('ferry pack --kind mediawiki, from a Wikimedia Enterprise HTML dump', () => {
  let folder: string;
  let lines: string[];
  let run: CliRun;
  let bundle: Bundle;

  beforeAll(async () => {
    folder = await tempFolder();
    lines = (await readFile(RECORDS, 'utf8')).split('\n').filter((line) => line !== '');
    const english = lines.find((line) => line.includes('"identifier":"enwiki"'))!;
    run = await pack(await enterpriseDump(folder, 'enwiki', [english]), join(folder, 'enwiki.ferry'));
    bundle = await Bundle.open(join(folder, 'enwiki.ferry'));
  });
  afterAll(() => bundle?.close());

  it("makes the article a page in the same layout as from XML, with the wiki's own rendering", async () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/packed enwiki: .*; 1 articles, 35 categories/);
    const html = await pageText(bundle, 'Squirrel');
    expect(html).toMatch(/<nav class="site"><a href="Squirrel">[^<]+<\/a><\/nav><main><h1>Squirrel<\/h1>/);
    expect(html).toContain('<table class="infobox">');
    expect(html).toMatch(/<h2 id="Etymology">Etymology<\/h2>/);
    // Parsoid's data, the wiki's styles and scripts, and images from its servers stay behind.
    expect(html).not.toMatch(/data-mw|data-parsoid|<style|<script|<img|upload\.wikimedia\.org|typeof=/);
    // Footnotes link within the page; the page's own links to articles it lacks are plain text.
    expect(html).toMatch(/<sup[^>]*><a href="#cite_note-[^"]+">/);
    expect(html).toContain('<span class="missing" title="not in this collection">flying squirrels</span>');
    expect(bundle.manifest.metadata.language).toBe('eng');
    expect(bundle.manifest.metadata.source).toBe('https://en.wikipedia.org');
  });

  it('links only to what the bundle has, a category named with an apostrophe too (ferry verify)', async () => {
    const verified = await runCli(['verify', join(folder, 'enwiki.ferry')]);
    expect(verified.stdout + verified.stderr).not.toContain('not in the bundle');
    expect(await pageText(bundle, 'Squirrel')).toContain(
      'href="Category%3AArticles_with_&#39;species&#39;_microformats"',
    );
  });

  it('keeps its redirects and makes its category pages', async () => {
    for (const redirect of ['Sciuridae', 'Squirrels', 'Behavior_of_squirrels']) {
      const record = await bundle.resolveContent(redirect);
      expect(record && 'locator' in record, redirect).toBe(true);
      expect((await bundle.read(record!)).toString()).toContain('<h1>Squirrel</h1>');
    }
    const category = await pageText(bundle, 'Category:Squirrels');
    expect(category).toContain('<a href="Squirrel">Squirrel</a>');
    expect(await pageText(bundle, 'Squirrel')).toContain('<a href="Category%3ASquirrels">Squirrels</a>');
  });

  it('finds a phrase of the article with search', async () => {
    const searcher = new BundleSearcher(bundle);
    const results = await searcher.search('sciuromorphous skull');
    expect(results.hits[0]?.path).toBe('Squirrel');
  });

  it('packs one wiki of a mixed file and says what it left out', async () => {
    const mixed = await enterpriseDump(folder, 'mixed', lines);
    const result = await pack(mixed, join(folder, 'mixed.ferry'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('2 records of other wikis than dewiki are left out');
    const german = await Bundle.open(join(folder, 'mixed.ferry'));
    expect(await pageText(german, 'Squirrel')).toContain('<a href="Kategorie%3ABegriffskl%C3%A4rung">');
    expect(await pageText(german, 'Kategorie:Begriffsklärung')).toContain('Squirrel');
    await german.close();
  });

  it('packs a record given twice once, with its redirects once', async () => {
    const english = lines.find((line) => line.includes('"identifier":"enwiki"'))!;
    const twice = await enterpriseDump(folder, 'twice', [english, english]);
    const result = await pack(twice, join(folder, 'twice.ferry'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/packed enwiki: .*12 redirects; .*1 articles/);
    expect(result.stderr).toContain('names given twice in the dump are packed once, the first time');
  });

  it('fails on a cut-short dump naming where, leaving nothing, and packs the whole articles with --partial', async () => {
    const whole = await readFile(await enterpriseDump(folder, 'cut', lines));
    const cut = join(folder, 'cut.tar.gz');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const failed = await pack(cut, join(folder, 'cut.ferry'));
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/ends early or is damaged after cut_namespace_0_0\.ndjson, line \d+/);
    expect(failed.stderr).toContain('--partial');
    expect(existsSync(join(folder, 'cut.ferry'))).toBe(false);
    expect((await readdir(folder)).filter((name) => name.startsWith('.cut') || name.includes('cut.ferry.'))).toEqual(
      [],
    );
    const partial = await pack(cut, join(folder, 'cut.ferry'), ['--partial']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/1 articles/);
  });
});
