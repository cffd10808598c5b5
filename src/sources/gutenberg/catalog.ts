import { createReadStream } from 'node:fs';
import { opendir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import unbzip2 from 'unbzip2-stream';
import { FerryError } from '../../errors.js';
import { parseBookRdf, type BookRecord } from './rdf.js';

/** Where a mirror keeps the per-book records: `cache/epub/<ID>/pg<ID>.rdf`. */
const RECORDS_FOLDER = 'cache/epub';
/** The whole catalog as Project Gutenberg publishes it, with the same paths inside. */
export const CATALOG_ARCHIVE = 'rdf-files.tar.bz2';
const RECORD_PATH = /(?:^|\/)cache\/epub\/(\d+)\/pg(\d+)\.rdf$/;

export interface CatalogProblem {
  /** The record's path inside the mirror or the archive. */
  path: string;
  reason: string;
}

/** A record's text as found, before it is read; `xml` is missing when the book folder has none. */
interface RawRecord {
  id: number;
  path: string;
  xml: string | undefined;
}

/** The book folders' IDs in numeric order: a listing of numbers, small even for 70,000 books. */
async function* folderRecords(mirror: string): AsyncGenerator<RawRecord> {
  const ids: number[] = [];
  for await (const entry of await opendir(join(mirror, RECORDS_FOLDER))) {
    if (entry.isDirectory() && /^\d+$/.test(entry.name)) ids.push(Number(entry.name));
  }
  for (const id of ids.sort((a, b) => a - b)) {
    const path = `${RECORDS_FOLDER}/${id}/pg${id}.rdf`;
    yield { id, path, xml: await readFile(join(mirror, path), 'utf8').catch(() => undefined) };
  }
}

/** The records of rdf-files.tar.bz2, streamed: one record in memory at a time. */
async function* archiveRecords(archive: string): AsyncGenerator<RawRecord> {
  const entries = extract();
  const input = createReadStream(archive);
  const decoder = unbzip2();
  const fail = (error: Error) =>
    entries.destroy(new FerryError('INPUT_INVALID', `${archive}: not a readable .tar.bz2: ${error.message}`));
  input.on('error', fail);
  decoder.on('error', fail);
  input.pipe(decoder).pipe(entries);
  try {
    for await (const entry of entries) {
      const match = RECORD_PATH.exec(entry.header.name);
      if (entry.header.type !== 'file' || !match || match[1] !== match[2]) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      yield { id: Number(match[1]), path: entry.header.name, xml: Buffer.concat(chunks).toString('utf8') };
    }
  } catch (error) {
    if (error instanceof FerryError) throw error;
    throw new FerryError(
      'INPUT_INVALID',
      `${archive}: the archive is cut short or damaged: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    input.destroy();
  }
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * The catalog of a mirror, one record at a time, so memory holds one record however large the
 * catalog: from the `cache/epub` tree in ID order, else from `rdf-files.tar.bz2` (at the top of
 * the mirror, or given) in archive order. A record that is missing, malformed, names another
 * book or repeats an ID is reported to `onProblem` and skipped; the walk goes on.
 */
export async function* readCatalog(
  mirror: string,
  onProblem: (problem: CatalogProblem) => void,
  archive?: string,
): AsyncGenerator<BookRecord> {
  let raw: AsyncGenerator<RawRecord>;
  if (archive !== undefined) raw = archiveRecords(archive);
  else if (await isFolder(join(mirror, RECORDS_FOLDER))) raw = folderRecords(mirror);
  else if ((await stat(join(mirror, CATALOG_ARCHIVE)).catch(() => undefined))?.isFile())
    raw = archiveRecords(join(mirror, CATALOG_ARCHIVE));
  else {
    throw new FerryError(
      'INPUT_MISSING',
      `"${mirror}" has no ${RECORDS_FOLDER} folder of pg<ID>.rdf records and no ${CATALOG_ARCHIVE}; give the top of a Project Gutenberg mirror, or --catalog rdf-files.tar.bz2.`,
    );
  }
  const seen = new Set<number>();
  for await (const { id, path, xml } of raw) {
    if (xml === undefined) {
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
    if (seen.has(id)) {
      onProblem({ path, reason: `book ${id} is in the catalog twice; the first record is kept` });
      continue;
    }
    seen.add(id);
    yield book;
  }
}
