import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticBundle } from '../../bench/synthetic-bundle.js';
import { EntryKind } from '../../src/bundle/path-index.js';
import { Bundle } from '../../src/bundle/reader.js';
import { decodeSearchStats, SEARCH_STATS_NAME } from '../../src/search/search-stats.js';
import { damageEntry, packSample, REPO, runCli, SAMPLE_METADATA, SAMPLE_SITE, tempFolder } from '../helpers.js';
import { launchChromium } from './browser.js';

const READER = pathToFileURL(join(REPO, 'dist/reader/ferry-reader.html')).href;

describe('the standalone reader, opened from file:// in Chromium', () => {
  let browser: Browser;
  let bundle: string;
  let parts: string[];

  beforeAll(async () => {
    const folder = await tempFolder();
    bundle = await packSample(folder);
    const split = join(folder, 'split');
    await mkdir(split);
    const { copyFile } = await import('node:fs/promises');
    await copyFile(bundle, join(split, 'click.ferry'));
    expect((await runCli(['split', join(split, 'click.ferry'), '--size', '200k'])).code).toBe(0);
    parts = [1, 2, 3].map((n) => join(split, `click.ferry.part00${n}`));
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  async function openReader(files: string[]): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(READER);
    expect(new URL(page.url()).protocol).toBe('file:');
    await page.setInputFiles('#pick', files);
    await page.frameLocator('#page').locator('h1').first().waitFor();
    return page;
  }

  it('reads the main page of a picked bundle, with its images, and follows a link', async () => {
    const page = await openReader([bundle]);
    const frame = page.frameLocator('#page');
    expect(await page.textContent('#bundle-title')).toBe('Click 8.1 documentation');
    expect(await frame.locator('h1').first().textContent()).toContain('Welcome to Click');
    const image = frame.locator('img').first();
    expect(await image.evaluate((element: HTMLImageElement) => element.src.startsWith('blob:'))).toBe(true);
    expect(await image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBeGreaterThan(0);
    await frame.locator('a[data-ferry-path^="quickstart"]:visible').first().click();
    await expect.poll(() => page.getAttribute('#page', 'data-path')).toBe('quickstart.html');
    expect(await frame.locator('h1').first().textContent()).toContain('Quickstart');
    // The browser's Back button goes back to the page before.
    await page.goBack();
    await expect.poll(() => page.getAttribute('#page', 'data-path')).toBe('index.html');
    await page.close();
  });

  it('reads a bundle from its split parts and offers title suggestions', async () => {
    const page = await openReader(parts);
    await page.fill('#suggest', 'opt');
    const suggestion = page.locator('#suggestions button', { hasText: 'Options' });
    await suggestion.click();
    await expect.poll(() => page.getAttribute('#page', 'data-path')).toBe('options.html');
    expect(await page.frameLocator('#page').locator('h1').first().textContent()).toContain('Options');
    await page.close();
  });

  it("finds text with the bundle's own search index, snippets included", async () => {
    const page = await openReader([bundle]);
    await page.fill('#search', 'surrogates');
    await page.click('#search-form button');
    const first = page.locator('#results li').first();
    await expect.poll(() => first.textContent()).toMatch(/^Unicode Support.*surrogate/i);
    expect(await first.locator('mark').first().textContent()).toMatch(/^surrogate/i);
    await first.locator('a').click();
    await expect.poll(() => page.getAttribute('#page', 'data-path')).toBe('unicode-support.html');
    await page.close();
  });

  it('searches a new edition packed with --base: pages replaced since its base are not found as they were', async () => {
    const folder = await tempFolder();
    const site = join(folder, 'site');
    await cp(SAMPLE_SITE, site, { recursive: true });
    const unicode = join(site, 'unicode-support.html');
    await writeFile(unicode, (await readFile(unicode, 'utf8')).replace(/surrogate/gi, 'halfpair'));
    const edition = join(folder, 'edition.ferry');
    const run = await runCli(['pack', site, '-o', edition, '--metadata', SAMPLE_METADATA, '--base', bundle]);
    expect(run.code, run.stderr).toBe(0);
    // The shard that held the page is kept from the base, the page in it dead.
    const opened = await Bundle.open(edition);
    try {
      const stats = decodeSearchStats(await opened.read((await opened.resolve(SEARCH_STATS_NAME))!), edition);
      expect(stats.shards.some((shard) => shard.dead.length > 0)).toBe(true);
    } finally {
      await opened.close();
    }
    const page = await openReader([edition]);
    await page.fill('#search', 'halfpair');
    await page.click('#search-form button');
    await expect.poll(() => page.locator('#results li').first().textContent()).toMatch(/^Unicode Support.*halfpair/i);
    await page.fill('#search', 'surrogates');
    await page.click('#search-form button');
    // The index page's contents still name the section; the old version of the page is not found.
    await expect
      .poll(() => page.locator('#results li a').allTextContents())
      .toEqual(['Welcome to Click — Click Documentation (8.1.x)']);
    await page.close();
  });

  it('opens a 1 GB bundle without its size showing in the page memory', async () => {
    const folder = await tempFolder();
    const large = join(folder, 'large.ferry');
    // A different block each time: identical ones would be stored once.
    const blockOf = (i: number) => Buffer.alloc(64 * 1024 * 1024, i);
    await writeSyntheticBundle(large, 'large', 17, (i) =>
      i === 0
        ? {
            name: 'content/index.html',
            data: Buffer.from('<!DOCTYPE html><title>Large</title><h1>Large bundle</h1>'),
            kind: EntryKind.Page,
            mediaType: 'text/html',
            compress: true,
          }
        : {
            name: `content/blob-${i}.bin`,
            data: blockOf(i),
            kind: EntryKind.Asset,
            mediaType: 'application/octet-stream',
            compress: false,
          },
    );
    expect((await stat(large)).size).toBeGreaterThan(1024 ** 3);
    const page = await openReader([large]);
    expect(await page.frameLocator('#page').locator('h1').textContent()).toBe('Large bundle');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const heap = metrics.find((metric) => metric.name === 'JSHeapUsedSize')!.value;
    expect(heap).toBeLessThan(50 * 1024 * 1024);
    await page.close();
  });

  it('runs no script of a page and opens no javascript: link', async () => {
    const folder = await tempFolder();
    const site = join(folder, 'site');
    await mkdir(site);
    await writeFile(
      join(site, 'index.html'),
      '<!DOCTYPE html><title>Hostile</title><h1>Hostile</h1><script>parent.document.title = "owned"</script>' +
        '<img src="x.png" onerror="parent.document.title = \'owned\'"><a id="js" href="javascript:parent.document.title=\'owned\'">click</a>',
    );
    const hostile = join(folder, 'hostile.ferry');
    expect((await runCli(['pack', site, '-o', hostile, '--language', 'eng'])).code).toBe(0);
    const page = await openReader([hostile]);
    const frame = page.frameLocator('#page');
    expect(await frame.locator('#js').getAttribute('href')).toBeNull();
    await frame.locator('#js').click();
    await page.waitForTimeout(200);
    expect(await page.title()).toBe('Hostile · ferry');
    await page.close();
  });

  it('shows no damaged page: it says which entry is damaged and what to do', async () => {
    const damaged = join(await tempFolder(), 'damaged.ferry');
    await damageEntry(bundle, damaged, 'index.html');
    const page = await browser.newPage();
    await page.goto(READER);
    await page.setInputFiles('#pick', damaged);
    await expect.poll(() => page.textContent('#status')).toMatch(/"content\/index\.html" is damaged.*ferry verify/);
    expect(await page.frameLocator('#page').locator('h1').count()).toBe(0);
    // Other pages of the same bundle still open.
    await page.evaluate(() => (location.hash = '#quickstart.html'));
    await page.frameLocator('#page').locator('h1').first().waitFor();
    expect(await page.textContent('#status')).toBe('');
    await page.close();
  });

  it('says clearly when a picked file is not a bundle', async () => {
    const page = await browser.newPage();
    await page.goto(READER);
    await page.setInputFiles('#pick', join(REPO, 'README.md'));
    await expect.poll(() => page.textContent('#status')).toMatch(/cannot be read as a bundle/);
    await page.close();
  });
});
