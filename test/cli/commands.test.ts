import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packSample, runCli, SAMPLE_SITE, tempFolder } from '../helpers.js';

describe('ferry info, search and extract', () => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await packSample(await tempFolder());
  });

  it('info --json reports metadata, counts and the main page', async () => {
    const run = await runCli(['info', bundle, '--json']);
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout.toString());
    expect(info.metadata).toMatchObject({
      name: 'click_docs_en',
      title: 'Click 8.1 documentation',
      language: 'eng',
      license: 'BSD-3-Clause',
    });
    expect(info.metadata.tags).toEqual(['docs', 'python', 'cli']);
    expect(info.counts).toEqual({ pages: 27, assets: 47, redirects: 0 });
    expect(info.mainPage).toBe('index.html');
    expect(info.contentDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('info prints a readable summary', async () => {
    const run = await runCli(['info', bundle]);
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toMatch(/title\s+Click 8\.1 documentation/);
    expect(run.stdout.toString()).toMatch(/contents\s+27 pages, 47 assets/);
  });

  it('search finds the one page whose body holds a word, with a marked snippet', async () => {
    const run = await runCli(['search', bundle, 'surrogates', '--json']);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout.toString());
    expect(results.hits[0].path).toBe('unicode-support.html');
    expect(results.hits[0].title).toContain('Unicode Support');
    const [start, end] = results.hits[0].snippet.marks[0];
    // The stemmer matches "surrogate" too; the mark covers a word of that stem.
    expect(results.hits[0].snippet.text.slice(start, end).toLowerCase()).toMatch(/^surrogates?$/);
  });

  it('search --limit bounds the results and reports the total', async () => {
    const run = await runCli(['search', bundle, 'option', '--json', '--limit', '2']);
    const results = JSON.parse(run.stdout.toString());
    expect(results.hits).toHaveLength(2);
    expect(results.total).toBeGreaterThan(2);
  });

  it('search prints title, path, score and snippet for people', async () => {
    const run = await runCli(['search', bundle, 'surrogates']);
    expect(run.stdout.toString()).toMatch(
      /^1\. Unicode Support.*\n\s+unicode-support\.html#surrogate-handling\s+\(score [\d.]+\)\n\s+.*surrogate/im,
    );
  });

  it('extract writes an entry byte for byte', async () => {
    const run = await runCli(['extract', bundle, '_static/click-logo.png']);
    expect(run.code).toBe(0);
    expect(run.stdout.equals(await readFile(join(SAMPLE_SITE, '_static/click-logo.png')))).toBe(true);
  });

  it('extract names a missing path and fails', async () => {
    const run = await runCli(['extract', bundle, 'nowhere.html']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"nowhere.html" is not in');
  });
});
