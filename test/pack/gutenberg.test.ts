import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { pageText, REPO, runCli, serveLibrary, tempFolder, type CliRun } from '../helpers.js';

const MIRROR = join(REPO, 'test/fixtures/gutenberg');

describe('ferry pack --kind gutenberg', () => {
  let folder: string;
  let run: CliRun;
  let bundle: Bundle;
  const page = (path: string) => pageText(bundle, path);

  beforeAll(async () => {
    folder = await tempFolder();
    run = await runCli(
      ['pack', '--kind', 'gutenberg', MIRROR, '-o', join(folder, 'books.ferry'), '--lang', 'en', '--name', 'books'],
      { SOURCE_DATE_EPOCH: '1700000000' },
    );
    bundle = await Bundle.open(join(folder, 'books.ferry'));
  });
  afterAll(() => bundle?.close());

  it('packs the selected books and says which ones it skipped and why', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /skipped "cache\/epub\/11": book 11 \("Alice's Adventures in Wonderland"\): the mirror has no HTML or text edition/,
    );
    expect(run.stderr).toMatch(/1 skipped/);
    expect(run.stderr).toMatch(
      /the catalog names the epub edition of 1 book\(s\) that the mirror does not have: 2701\./,
    );
  });

  it('gives each book a page with its author, subjects, a link to read it and its downloads', async () => {
    const html = await page('books/2701/index.html');
    expect(html).toContain('<title>Moby Dick; Or, The Whale</title>');
    expect(html).toContain('Melville, Herman (1819–1891)');
    expect(html).toContain('Whaling -- Fiction');
    expect(html).toContain('href="pg2701-images.html"');
    expect(html).toMatch(/href="pg2701\.txt" download>Plain text<\/a>/);
    // The HTML edition comes with its images; the catalog's EPUB is not in this mirror, so it is not offered.
    expect(await bundle.resolveContent('books/2701/images/whale.png')).toBeDefined();
    expect(html).not.toContain('EPUB');
  });

  it('has browse pages by title, author, language, subject and bookshelf that link to the book', async () => {
    expect(await page('browse/titles/m.html')).toContain('href="../../books/2701/index.html"');
    expect(await page('browse/authors/m.html')).toContain('Melville, Herman (1819–1891)');
    expect(await page('browse/author/melville-herman.html')).toContain('Moby Dick; Or, The Whale');
    expect(await page('browse/languages.html')).toContain('English (en)');
    expect(await page('browse/subjects.html')).toContain('Sea stories');
    expect(await page('browse/bookshelves.html')).toContain('Best Books Ever Listings');
    const home = await page('index.html');
    expect(home).toContain('1 books from Project Gutenberg');
    expect(home).not.toContain('<script');
  });

  it("finds the book's text and its title, but not Gutenberg's licence or the list pages", async () => {
    const searcher = new BundleSearcher(bundle);
    const ishmael = await searcher.search('Ishmael');
    expect(ishmael.hits[0]?.path).toBe('books/2701/pg2701-images.html');
    expect((await searcher.search('distribute')).total).toBe(0);
    expect((await searcher.suggest('moby')).map((hit) => hit.path)).toContain('books/2701/index.html');
    expect((await searcher.suggest('melville')).map((hit) => hit.path)).toEqual(['browse/author/melville-herman.html']);
  });

  it('serves a download byte for byte as the mirror has it', async () => {
    const server = await serveLibrary(folder);
    try {
      const response = await fetch(`${server.base}/content/books/books/2701/pg2701.txt`);
      expect(response.status).toBe(200);
      const expected = await readFile(join(MIRROR, 'cache/epub/2701/pg2701.txt'));
      expect(Buffer.from(await response.arrayBuffer()).equals(expected)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('makes a clean page from the text edition when only text is chosen', async () => {
    const output = join(folder, 'text.ferry');
    const text = await runCli([
      'pack',
      '--kind',
      'gutenberg',
      MIRROR,
      '-o',
      output,
      '--formats',
      'txt',
      '--ids',
      '2701',
    ]);
    expect(text.code, text.stderr).toBe(0);
    const textBundle = await Bundle.open(output);
    try {
      const record = await textBundle.resolveContent('books/2701/read.html');
      const html = (await textBundle.read(record!)).toString('utf8');
      expect(html).toContain('<h2>CHAPTER 1. Loomings.</h2>');
      expect(html).toContain('THE FULL PROJECT GUTENBERG LICENSE');
      expect((await new BundleSearcher(textBundle).search('distribute')).total).toBe(0);
    } finally {
      await textBundle.close();
    }
  });

  it('refuses an unknown format or a folder that is not a mirror, clearly', async () => {
    const badFormat = await runCli([
      'pack',
      '--kind',
      'gutenberg',
      MIRROR,
      '-o',
      join(folder, 'x.ferry'),
      '--formats',
      'pdf',
    ]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--formats: "pdf" is not html, epub, txt or kindle/);
    const badBudget = await runCli([
      'pack',
      '--kind',
      'gutenberg',
      MIRROR,
      '-o',
      join(folder, 'z.ferry'),
      '--budget',
      'lots',
    ]);
    expect(badBudget.code).toBe(2);
    expect(badBudget.stderr).toMatch(/--budget "lots" is not a size/);
    const notMirror = await runCli(['pack', '--kind', 'gutenberg', folder, '-o', join(folder, 'y.ferry')]);
    expect(notMirror.code).toBe(1);
    expect(notMirror.stderr).toMatch(/no cache\/epub folder/);
  });
});

describe('ferry pack --kind gutenberg --formats with kindle', () => {
  it('offers the Kindle edition the mirror has, with its size, and serves it as Kindle files are served', async () => {
    // A real book and its real record (../shared/realdata/SOURCES.md), whose catalog lists Kindle
    // editions; no real Kindle file is in the shared data, so a stand-in with MOBI's header marks takes its place.
    const real = join(REPO, '..', 'shared', 'realdata', 'gutenberg', 'mirror');
    const mirror = join(await tempFolder(), 'mirror');
    await cp(join(real, 'cache/epub/844'), join(mirror, 'cache/epub/844'), { recursive: true });
    await cp(join(real, '8/4/844'), join(mirror, '8/4/844'), { recursive: true });
    const kindle = Buffer.alloc(4096);
    kindle.write('BOOKMOBI', 60, 'latin1');
    await writeFile(join(mirror, 'cache/epub/844/pg844-images-kf8.azw3'), kindle);
    const output = join(mirror, '..', 'earnest.ferry');
    const run = await runCli(['pack', '--kind', 'gutenberg', mirror, '-o', output, '--formats', 'html,kindle']);
    expect(run.code, run.stderr).toBe(0);
    const bundle = await Bundle.open(output);
    try {
      const html = await pageText(bundle, 'books/844/index.html');
      expect(html).toMatch(/href="pg844-images-kf8\.azw3" download>Kindle<\/a> <span class="meta">4 KB<\/span>/);
      const record = (await bundle.resolveContent('books/844/pg844-images-kf8.azw3'))!;
      expect(record.locator.mediaType).toBe('application/vnd.amazon.ebook');
      expect(record.locator.method).toBe(0);
      expect((await bundle.read(record)).equals(kindle)).toBe(true);
    } finally {
      await bundle.close();
    }
  });
});
