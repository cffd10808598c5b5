import { FerryError } from '../../errors.js';
import type { BookFile, BookRecord } from './rdf.js';
import { foldCaseAndAccents as fold } from '../../fold.js';
import { essence } from '../../pack/charset.js';

/** The editions a bundle can carry, and how a catalog file is recognised as one. */
export const FORMATS = ['html', 'epub', 'txt', 'kindle'] as const;
export type Format = (typeof FORMATS)[number];

export interface Selection {
  languages?: string[];
  /** Words that must appear in an author's name (any author), case and accents ignored. */
  author?: string;
  subject?: string;
  bookshelf?: string;
  ids?: Set<number>;
  formats: Format[];
  /** Total bytes of the chosen editions; the most downloaded books go first. */
  budgetBytes?: number;
}

export function formatOf(file: BookFile): Format | undefined {
  const type = essence(file.mediaType);
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'application/epub+zip') return 'epub';
  if (type === 'text/plain') return 'txt';
  if (type === 'application/x-mobipocket-ebook' || type === 'application/vnd.amazon.ebook') return 'kindle';
  return undefined;
}

const mentions = (values: string[], wanted: string | undefined) =>
  wanted === undefined || values.some((value) => fold(value).includes(fold(wanted)));

/** Parses `--ids 11,84,1000-1010`. */
export function parseIds(text: string): Set<number> {
  const ids = new Set<number>();
  for (const part of text.split(',').map((item) => item.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new FerryError('USAGE', `--ids: "${part}" is not a book number or a range such as 1000-1010.`);
    const first = Number(range[1]);
    const last = Number(range[2] ?? range[1]);
    if (last < first || last - first > 1_000_000) throw new FerryError('USAGE', `--ids: "${part}" is not a range.`);
    for (let id = first; id <= last; id++) ids.add(id);
  }
  return ids;
}

/** Whether a book passes the filters (not the budget, which needs every candidate first). */
export function matchesSelection(book: BookRecord, selection: Selection): boolean {
  return (
    (selection.ids === undefined || selection.ids.has(book.id)) &&
    (selection.languages === undefined || book.languages.some((code) => selection.languages!.includes(code))) &&
    mentions(
      book.agents.map((agent) => agent.name),
      selection.author,
    ) &&
    mentions(book.subjects, selection.subject) &&
    mentions(book.bookshelves, selection.bookshelf)
  );
}

/** The catalog's size of the editions of a book that the bundle would carry. */
export function selectedBytes(book: BookRecord, formats: Format[]): number {
  return book.files
    .filter((file) => {
      const format = formatOf(file);
      return format !== undefined && formats.includes(format);
    })
    .reduce((sum, file) => sum + (file.bytes ?? 0), 0);
}

/**
 * Applies the size budget: most downloaded first (then lowest ID), each book taken while the
 * total stays within the budget. Returns the kept books in ID order.
 */
export function applyBudget(books: BookRecord[], selection: Selection): BookRecord[] {
  if (selection.budgetBytes === undefined) return books;
  const ranked = [...books].sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0) || a.id - b.id);
  const kept: BookRecord[] = [];
  let total = 0;
  for (const book of ranked) {
    const bytes = selectedBytes(book, selection.formats);
    if (total + bytes > selection.budgetBytes) continue;
    total += bytes;
    kept.push(book);
  }
  return kept.sort((a, b) => a.id - b.id);
}
