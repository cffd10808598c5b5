import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalog, type CatalogProblem } from '../../src/sources/gutenberg/catalog.js';
import { parseBookRdf } from '../../src/sources/gutenberg/rdf.js';
import { REPO, tempFolder } from '../helpers.js';

const ALICE = join(REPO, 'test/fixtures/gutenberg/cache/epub/11/pg11.rdf');

describe("Project Gutenberg's RDF catalog records", () => {
  it('gives the book, its author with dates, language, subjects, bookshelves, downloads and files', async () => {
    const book = parseBookRdf(await readFile(ALICE, 'utf8'), 'pg11.rdf');
    expect(book).toMatchObject({
      id: 11,
      title: "Alice's Adventures in Wonderland",
      agents: [{ name: 'Carroll, Lewis', role: 'creator', birth: 1832, death: 1898 }],
      languages: ['en'],
      subjects: ['Fantasy fiction', 'Alice (Fictitious character from Carroll) -- Juvenile fiction'],
      bookshelves: ["Children's Literature"],
      downloads: 15438,
      issued: '2008-06-27',
      rights: 'Public domain in the USA.',
      type: 'Text',
    });
    expect(book.files).toEqual([
      { url: 'https://www.gutenberg.org/ebooks/11.html.images', mediaType: 'text/html', bytes: 190421 },
      { url: 'https://www.gutenberg.org/ebooks/11.txt.utf-8', mediaType: 'text/plain; charset=utf-8', bytes: 174357 },
    ]);
  });

  it('keeps contributors with their MARC role, and a book with no title or author still reads', () => {
    const book = parseBookRdf(
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:pgterms="http://www.gutenberg.org/2009/pgterms/"
        xmlns:marcrel="http://id.loc.gov/vocabulary/relators/">
        <pgterms:ebook rdf:about="ebooks/42"><marcrel:ill><pgterms:agent rdf:about="2009/agents/1">
          <pgterms:name>Tenniel, John</pgterms:name></pgterms:agent></marcrel:ill></pgterms:ebook></rdf:RDF>`,
      'pg42.rdf',
    );
    expect(book.id).toBe(42);
    expect(book.title).toBe('');
    expect(book.agents).toEqual([{ name: 'Tenniel, John', role: 'ill', birth: undefined, death: undefined }]);
  });

  it('refuses malformed or partial RDF with the file named, never a crash', async () => {
    const whole = await readFile(ALICE, 'utf8');
    expect(() => parseBookRdf(whole.slice(0, whole.length / 2), 'pg11.rdf')).toThrow(/pg11\.rdf: not well-formed/);
    expect(() =>
      parseBookRdf('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', 'empty.rdf'),
    ).toThrow(/empty\.rdf: no pgterms:ebook/);
    expect(() => parseBookRdf('not xml at all', 'junk.rdf')).toThrow(/junk\.rdf/);
  });
});

describe('a mirror catalog', () => {
  it('reads records in ID order and reports, then skips, missing, malformed and misfiled ones', async () => {
    const mirror = await tempFolder();
    const alice = await readFile(ALICE, 'utf8');
    const record = async (folder: string, name: string, text: string) => {
      await mkdir(join(mirror, 'cache/epub', folder), { recursive: true });
      await writeFile(join(mirror, 'cache/epub', folder, name), text);
    };
    await record('11', 'pg11.rdf', alice);
    await record('100', 'pg100.rdf', alice.replace('ebooks/11"', 'ebooks/100"'));
    await record('12', 'pg12.rdf', alice.slice(0, 500));
    await record('13', 'pg13.rdf', alice);
    await record('14', 'readme.txt', 'no record here');
    const problems: CatalogProblem[] = [];
    const ids: number[] = [];
    for await (const book of readCatalog(mirror, (problem) => problems.push(problem))) ids.push(book.id);
    expect(ids).toEqual([11, 100]);
    expect(problems.map((problem) => problem.path)).toEqual([
      'cache/epub/12/pg12.rdf',
      'cache/epub/13/pg13.rdf',
      'cache/epub/14/pg14.rdf',
    ]);
    expect(problems[1]!.reason).toMatch(/for book 11, not 13/);
  });

  it('reads rdf-files.tar.bz2 as published, skipping repeated IDs, malformed records and other files', async () => {
    const staging = await tempFolder();
    const alice = await readFile(ALICE, 'utf8');
    const add = async (path: string, text: string) => {
      await mkdir(join(staging, path, '..'), { recursive: true });
      await writeFile(join(staging, path), text);
    };
    await add('cache/epub/11/pg11.rdf', alice);
    await add('cache/epub/12/pg12.rdf', alice.slice(0, 300));
    await add(
      'cache/epub/2701/pg2701.rdf',
      await readFile(join(REPO, 'test/fixtures/gutenberg/cache/epub/2701/pg2701.rdf'), 'utf8'),
    );
    await add('cache/epub/2701/readme.txt', 'not a record');
    const tar = join(staging, 'rdf-files.tar');
    execFileSync('tar', ['-cf', tar, '-C', staging, 'cache']);
    // The same record again at the end, as a damaged catalog might have it.
    execFileSync('tar', ['-rf', tar, '-C', staging, 'cache/epub/11/pg11.rdf']);
    execFileSync('bzip2', [tar]);
    const mirror = await tempFolder();
    await rename(`${tar}.bz2`, join(mirror, 'rdf-files.tar.bz2'));

    const problems: CatalogProblem[] = [];
    const ids: number[] = [];
    for await (const book of readCatalog(mirror, (problem) => problems.push(problem))) ids.push(book.id);
    expect(ids.sort((a, b) => a - b)).toEqual([11, 2701]);
    expect(problems.map((problem) => problem.reason)).toEqual([
      expect.stringMatching(/pg12\.rdf: not well-formed/),
      'book 11 is in the catalog twice; the first record is kept',
    ]);
  });

  it('says clearly when the catalog archive is damaged', async () => {
    const mirror = await tempFolder();
    await writeFile(join(mirror, 'rdf-files.tar.bz2'), 'BZh9 this is not bzip2 data');
    const walk = readCatalog(mirror, () => undefined);
    await expect(walk.next()).rejects.toThrow(/rdf-files\.tar\.bz2: not a readable \.tar\.bz2/);
  });

  it('says what to give when the folder is not a mirror', async () => {
    const folder = await tempFolder();
    const walk = readCatalog(folder, () => undefined);
    await expect(walk.next()).rejects.toThrow(/no cache\/epub folder/);
  });
});
