import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { EntryKind } from '../../src/bundle/path-index.js';
import { REPO, runCli, serveLibrary, tempFolder } from '../helpers.js';
import { rawGet } from '../raw-http.js';
import { launchChromium } from './browser.js';

/** 32 real books in 14 languages, as a mirror lays them out (../shared/realdata/SOURCES.md). */
const MIRROR = join(REPO, '..', 'shared', 'realdata', 'gutenberg', 'mirror');
/** UTF-8 read as Latin-1, the other way pages go wrong. */
const MOJIBAKE = /Ã[\u0080-\u00bf]|â€/;

/** The text a browser makes of a page: the header's charset first, then the page's own <meta>. */
function asBrowserReads(body: Buffer, contentType: string): string {
  const fromHeader = /charset=([\w-]+)/i.exec(contentType)?.[1];
  const fromMeta = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(body.subarray(0, 1024).toString('latin1'))?.[1];
  return new TextDecoder(fromHeader ?? fromMeta ?? 'windows-1252').decode(body);
}

describe('the real Gutenberg books, packed and served', () => {
  let work: string;
  let served: Awaited<ReturnType<typeof serveLibrary>>;
  let browser: Browser;
  const paths: { path: string; page: boolean }[] = [];

  beforeAll(async () => {
    expect(existsSync(MIRROR), `${MIRROR} is missing: the real books come with ../shared beside the repository`).toBe(
      true,
    );
    work = await tempFolder();
    const output = join(work, 'books.ferry');
    const run = await runCli(['pack', '--kind', 'gutenberg', MIRROR, '-o', output, '--name', 'books']);
    expect(run.code, run.stderr).toBe(0);
    const bundle = await Bundle.open(output);
    for await (const record of bundle.records()) {
      if (record.kind === EntryKind.Page || record.kind === EntryKind.Asset) {
        paths.push({ path: record.name.slice('content/'.length), page: record.kind === EntryKind.Page });
      }
    }
    await bundle.close();
    served = await serveLibrary(work);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('answers every page, reading page and image, and no page shows a replacement character or mojibake', async () => {
    const wrong: string[] = [];
    for (const { path, page } of paths) {
      const answer = await rawGet(`${served.base}/content/books/${path.split('/').map(encodeURIComponent).join('/')}`);
      if (answer.status !== 200 || !answer.body) {
        wrong.push(`${path}: ${answer.status}`);
        continue;
      }
      if (!page) continue;
      const text = asBrowserReads(answer.body, String(answer.headers['content-type']));
      const replaced = text.split('\uFFFD').length - 1;
      if (replaced > 0 || MOJIBAKE.test(text))
        wrong.push(`${path}: ${replaced} U+FFFD, mojibake ${MOJIBAKE.test(text)}`);
    }
    expect(paths.filter((each) => each.page).length).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  }, 120_000);

  it('shows Latin-1 and windows-1251 editions in Chromium with their own letters', async () => {
    const page = await browser.newPage();
    // A Spanish edition in ISO-8859-1, a Russian one in windows-1251, a Portuguese one in ISO-8859-1.
    for (const [id, letters] of [
      ['17340', /[ñáéíóú]/],
      ['16527', /[а-яА-Я]{5}/],
      ['3333', /[ãçõáé]/],
    ] as const) {
      const reading = paths.find((each) => each.path.startsWith(`books/${id}/`) && /-h\.htm$/.test(each.path));
      expect(reading, `the HTML edition of ${id}`).toBeDefined();
      await page.goto(`${served.base}/content/books/${reading!.path}`);
      const text = await page.evaluate(() => document.body.innerText);
      expect(text.includes('\uFFFD'), id).toBe(false);
      expect(text, id).toMatch(letters);
    }
    await page.close();
  });

  it('shows them the same way in the standalone reader, from file://', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(REPO, 'dist/reader/ferry-reader.html')).href);
    await page.setInputFiles('#pick', join(work, 'books.ferry'));
    await page.frameLocator('#page').locator('h1').first().waitFor();
    const reading = paths.find((each) => each.path.startsWith('books/17340/') && /-h\.htm$/.test(each.path))!;
    await page.evaluate((path) => (location.hash = `#${encodeURIComponent(path)}`), reading.path);
    await expect.poll(() => page.getAttribute('#page', 'data-path')).toBe(reading.path);
    const text = await page.frameLocator('#page').locator('body').innerText();
    expect(text.includes('\uFFFD')).toBe(false);
    expect(text).toMatch(/[ñáéíóú]/);
    await page.close();
  });

  it("marks each book page's title with the book's own language", async () => {
    const answer = await rawGet(`${served.base}/content/books/books/16527/index.html`);
    expect(answer.body!.toString()).toMatch(/<h1 lang="ru">/);
  });
});
