import { opendir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError } from '../../errors.js';
import { parseBookRdf, type BookRecord } from './rdf.js';

/** Where a mirror keeps the per-book records: `cache/epub/<ID>/pg<ID>.rdf`. */
const RECORDS_FOLDER = 'cache/epub';

export interface CatalogProblem {
  /** The record's path inside the mirror. */
  path: string;
  reason: string;
}

/** The book folders' IDs in numeric order: a listing of numbers, small even for 70,000 books. */
async function bookIds(mirror: string): Promise<number[]> {
  const folder = join(mirror, RECORDS_FOLDER);
  const ids: number[] = [];
  try {
    for await (const entry of await opendir(folder)) {
      if (entry.isDirectory() && /^\d+$/.test(entry.name)) ids.push(Number(entry.name));
    }
  } catch (error) {
    throw new FerryError(
      'INPUT_MISSING',
      `"${mirror}" has no ${RECORDS_FOLDER} folder of pg<ID>.rdf records; give the top of a Project Gutenberg mirror.`,
      { cause: error },
    );
  }
  return ids.sort((a, b) => a - b);
}

/**
 * The catalog of a mirror, one record at a time in ID order, so memory holds one record however
 * large the catalog. A record that is missing, malformed or names another book is reported to
 * `onProblem` and skipped; the walk goes on.
 */
export async function* readCatalog(
  mirror: string,
  onProblem: (problem: CatalogProblem) => void,
): AsyncGenerator<BookRecord> {
  for (const id of await bookIds(mirror)) {
    const path = `${RECORDS_FOLDER}/${id}/pg${id}.rdf`;
    let xml: string;
    try {
      xml = await readFile(join(mirror, path), 'utf8');
    } catch {
      onProblem({ path, reason: 'the book folder has no catalog record' });
      continue;
    }
    let book: BookRecord;
    try {
      book = parseBookRdf(xml, path);
    } catch (error) {
      onProblem({ path, reason: (error as Error).message });
      continue;
    }
    if (book.id !== id) {
      onProblem({ path, reason: `the record is for book ${book.id}, not ${id}` });
      continue;
    }
    yield book;
  }
}
