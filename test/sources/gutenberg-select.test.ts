import { describe, expect, it } from 'vitest';
import type { BookRecord } from '../../src/sources/gutenberg/rdf.js';
import { applyBudget, matchesSelection, parseIds, type Selection } from '../../src/sources/gutenberg/select.js';

function book(id: number, fields: Partial<BookRecord> = {}): BookRecord {
  return {
    id,
    title: `Book ${id}`,
    agents: [],
    languages: ['en'],
    subjects: [],
    bookshelves: [],
    downloads: undefined,
    issued: undefined,
    rights: undefined,
    type: 'Text',
    files: [],
    ...fields,
  };
}

const html = (bytes: number) => ({ url: 'x.html', mediaType: 'text/html', bytes });
const epub = (bytes: number) => ({ url: 'x.epub', mediaType: 'application/epub+zip', bytes });
const all: Selection = { formats: ['html', 'epub', 'txt'] };

describe('choosing books from the catalog', () => {
  it('filters by language, author, subject, bookshelf and ID, ignoring case and accents', () => {
    const verne = book(83, {
      languages: ['fr'],
      agents: [{ name: 'Verne, Jules', role: 'creator', birth: 1828, death: 1905 }],
      subjects: ['Science fiction'],
      bookshelves: ['Science Fiction by Jules Verne'],
    });
    const eliot = book(145, { agents: [{ name: 'Éliot, George', role: 'creator', birth: 1819, death: 1880 }] });
    expect(matchesSelection(verne, { ...all, languages: ['fr', 'de'] })).toBe(true);
    expect(matchesSelection(eliot, { ...all, languages: ['fr'] })).toBe(false);
    expect(matchesSelection(verne, { ...all, author: 'VERNE' })).toBe(true);
    expect(matchesSelection(eliot, { ...all, author: 'eliot' })).toBe(true);
    expect(matchesSelection(verne, { ...all, subject: 'science fiction' })).toBe(true);
    expect(matchesSelection(eliot, { ...all, subject: 'science fiction' })).toBe(false);
    expect(matchesSelection(verne, { ...all, bookshelf: 'jules verne' })).toBe(true);
    expect(matchesSelection(verne, { ...all, ids: parseIds('1-100') })).toBe(true);
    expect(matchesSelection(eliot, { ...all, ids: parseIds('1-100, 200') })).toBe(false);
  });

  it('reads --ids as numbers and ranges and refuses anything else', () => {
    expect([...parseIds('11, 84,1000-1002')]).toEqual([11, 84, 1000, 1001, 1002]);
    expect(() => parseIds('11,abc')).toThrow(/"abc" is not a book number/);
    expect(() => parseIds('20-10')).toThrow(/not a range/);
  });

  it('keeps the most downloaded books that fit the budget, counting only the chosen formats', () => {
    const books = [
      book(1, { downloads: 10, files: [html(400), epub(5000)] }),
      book(2, { downloads: 500, files: [html(700)] }),
      book(3, { downloads: 90, files: [html(300)] }),
      book(4, { downloads: 90, files: [html(200)] }),
    ];
    const kept = applyBudget(books, { formats: ['html'], budgetBytes: 1200 });
    // 2 (700) first, then 3 (300, same downloads as 4 but a lower ID), then 4 (200) fits exactly.
    expect(kept.map((kept) => kept.id)).toEqual([2, 3, 4]);
    expect(applyBudget(books, { formats: ['html', 'epub'], budgetBytes: 1500 }).map((kept) => kept.id)).toEqual([
      2, 3, 4,
    ]);
    expect(applyBudget(books, all)).toBe(books);
  });
});
