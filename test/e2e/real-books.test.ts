import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
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

/** What a book's catalog record says, read here with plain patterns, apart from ferry's own parser. */
interface Record {
  id: string;
  title: string;
  agents: { name: string; dates: string }[];
  language: string;
  subjects: string[];
  bookshelves: string[];
}

const xmlText = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

function readRecord(id: string): Record {
  const rdf = readFileSync(join(MIRROR, 'cache/epub', id, `pg${id}.rdf`), 'utf8');
  const values = (property: string, kind?: string) =>
    [...rdf.matchAll(new RegExp(`<${property}>([\\s\\S]*?)</${property}>`, 'g'))]
      .map((match) => match[1]!)
      .filter((block) => !kind || block.includes(kind))
      .map((block) => xmlText(/<rdf:value[^>]*>([^<]*)<\/rdf:value>/.exec(block)?.[1] ?? ''));
  const agents = [...rdf.matchAll(/<pgterms:agent[\s\S]*?<\/pgterms:agent>/g)].map((match) => {
    const field = (name: string) => new RegExp(`<pgterms:${name}[^>]*>([^<]*)<`).exec(match[0])?.[1];
    const [birth, death] = [field('birthdate'), field('deathdate')];
    return { name: xmlText(field('name') ?? ''), dates: birth && death ? `(${birth}–${death})` : '' };
  });
  return {
    id,
    title: xmlText(/<dcterms:title>([^<]*)</.exec(rdf)?.[1] ?? '')
      .split(/\r?\n/)[0]!
      .trim(),
    agents,
    language: values('dcterms:language')[0] ?? '',
    subjects: values('dcterms:subject', '/LCSH'),
    bookshelves: values('pgterms:bookshelf'),
  };
}

/** The pages a page links to, as bundle paths. */
function linksOf(html: string, from: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="([^"#?]+)/g)]
    .map((match) => decodeURIComponent(match[1]!))
    .filter((target) => !/^[a-z]+:/i.test(target))
    .map((target) => posix.normalize(posix.join(posix.dirname(from), target)));
}

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
  let summary = '';
  const paths: { path: string; page: boolean }[] = [];

  beforeAll(async () => {
    expect(existsSync(MIRROR), `${MIRROR} is missing: the real books come with ../shared beside the repository`).toBe(
      true,
    );
    work = await tempFolder();
    const output = join(work, 'books.ferry');
    const run = await runCli(['pack', '--kind', 'gutenberg', MIRROR, '-o', output, '--name', 'books']);
    expect(run.code, run.stderr).toBe(0);
    summary = run.stderr;
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

  it('says once, in the pack summary, where the mirror and its catalog disagree', () => {
    // Book 55's files are the revision before the catalog's, 18 bytes shorter each (SOURCES.md).
    expect(summary).toContain(
      '2 edition file(s) differ in size from the catalog, so the mirror holds another revision; packed as the mirror has them: 5/55/55-h/55-h.htm, 5/55/55.txt.',
    );
    // Two text files the 2018 records do not list; images beside an HTML edition come with it.
    expect(summary).toContain(
      "2 file(s) in the books' folders are not in the catalog and were left out: 1/5/2/1524/1524.txt, 1/1/0/2/11024/11024.txt.",
    );
    expect(summary.match(/differ in size from the catalog/g)).toHaveLength(1);
    // Editions the records list that the mirror lacks, once per format; a compiled book with no author.
    expect(summary).toContain(
      'the catalog names the html edition of 9 book(s) that the mirror does not have: 61, 800, 2407, 4650, 6498, 11024, 11940, 35560, 46569.',
    );
    expect(summary).toContain('book 7000 ("Kalevala") has no author in the catalog.');
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

  it('shows every picture of editions that keep them outside images/ (aimages/, beside the page)', async () => {
    const page = await browser.newPage();
    for (const reading of ['books/1/1-h.htm', 'books/12242/12242-h.htm']) {
      await page.goto(`${served.base}/content/books/${reading}`, { waitUntil: 'load' });
      const pictures = await page.evaluate(() =>
        Array.from(document.images, (image) => ({ src: image.src, shown: image.complete && image.naturalWidth > 0 })),
      );
      expect(pictures.length, reading).toBeGreaterThan(0);
      expect(pictures.filter((picture) => !picture.shown)).toEqual([]);
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

  it('shows every book as its catalog record has it: title, authors with dates, subjects, bookshelves; its reading page with every image; its place in the browse lists', async () => {
    const get = async (path: string) => {
      const answer = await rawGet(`${served.base}/content/books/${path.split('/').map(encodeURIComponent).join('/')}`);
      return {
        status: answer.status,
        text: answer.body ? asBrowserReads(answer.body, String(answer.headers['content-type'])) : '',
      };
    };
    const browse = new Map<string, string[]>();
    for (const { path } of paths.filter((each) => each.path.startsWith('browse/'))) {
      browse.set(path, linksOf((await get(path)).text, path));
    }
    const listedIn = (folder: string, book: string) =>
      [...browse].filter(([path, links]) => path.startsWith(folder) && links.includes(book)).map(([path]) => path);
    const wrong: string[] = [];
    const ids = readdirSync(join(MIRROR, 'cache/epub'));
    expect(ids.length).toBe(32);
    for (const record of ids.map(readRecord)) {
      const bookPath = `books/${record.id}/index.html`;
      const page = await get(bookPath);
      const text = xmlText(page.text.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
      const say = (what: string) => wrong.push(`${record.id}: ${what}`);
      if (page.status !== 200) say(`book page answers ${page.status}`);
      for (const expected of [record.title, ...record.subjects, ...record.bookshelves]) {
        if (!text.includes(xmlText(expected).replace(/\s+/g, ' ').trim())) say(`"${expected}" is not on its page`);
      }
      for (const agent of record.agents) {
        if (!text.includes(`${agent.name}${agent.dates ? ` ${agent.dates}` : ''}`))
          say(`${agent.name} ${agent.dates} is not on its page`);
      }
      const reading = /<a href="([^"]+)"><strong>Read this book/.exec(page.text)?.[1];
      const readingPath = reading ? posix.join(`books/${record.id}`, decodeURIComponent(reading)) : undefined;
      const readingPage = readingPath ? await get(readingPath) : undefined;
      if (!readingPage || readingPage.status !== 200) say('no reading page');
      for (const image of [...(readingPage?.text ?? '').matchAll(/<img[^>]+src="([^"]+)"/gi)].map(
        (match) => match[1]!,
      )) {
        const target = posix.normalize(posix.join(posix.dirname(readingPath!), decodeURIComponent(image)));
        if ((await get(target)).status !== 200) say(`image ${target} of the reading page answers not 200`);
      }
      if (listedIn('browse/titles/', bookPath).length === 0) say('in no title list');
      if (record.language && listedIn(`browse/language/${record.language}.html`, bookPath).length === 0)
        say('not in its language list');
      if (record.agents.length > 0 && listedIn('browse/author/', bookPath).length === 0) say('in no author list');
      if (record.subjects.length > 0 && listedIn('browse/subject/', bookPath).length === 0) say('in no subject list');
      if (record.bookshelves.length > 0 && listedIn('browse/bookshelf/', bookPath).length === 0)
        say('on no bookshelf list');
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it("lists every language of the books as the bundle's languages, the most common first", async () => {
    const bundles = (await (await fetch(`${served.base}/api/bundles`)).json()) as { metadata: { language: string } }[];
    const languages = bundles[0]!.metadata.language.split(',');
    expect(languages[0]).toBe('eng');
    expect(languages).toEqual(expect.arrayContaining(['deu', 'fra', 'rus', 'ell', 'fin', 'ita', 'nld', 'por', 'spa']));
    expect(languages).toHaveLength(12);
  });

  it("marks each book page's title with the book's own language", async () => {
    const answer = await rawGet(`${served.base}/content/books/books/16527/index.html`);
    expect(answer.body!.toString()).toMatch(/<h1 lang="ru">/);
  });
});
