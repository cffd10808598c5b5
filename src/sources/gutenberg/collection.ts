import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Collection, SkippedInput, SourceFile } from '../types.js';
import { readCatalog } from './catalog.js';
import { findInMirror, mirrorPaths } from './mirror-files.js';
import { authorKeys, bookFolder, bookPage, browsePages, type PackedBook } from './pages.js';
import type { BookRecord } from './rdf.js';
import { applyBudget, formatOf, matchesSelection, type Format, type Selection } from './select.js';
import { decodeBookText, splitBoilerplate, textEditionHtml } from './text-edition.js';

export interface GutenbergCollection extends Collection {
  books: number;
  /** The books' catalog languages (ISO 639-1), one per book, for the bundle's language list. */
  languages: string[];
}

interface Edition {
  format: Format;
  mirrorPath: string;
  bytes: number;
  mtimeMs: number;
}

const byBytes = (a: { path: string }, b: { path: string }) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));

/**
 * The book's editions found in the mirror, one per format; the chosen formats it lacks; and the
 * editions whose size is not the catalog's (the mirror a revision behind or ahead of it).
 */
async function editionsOf(
  mirror: string,
  book: BookRecord,
  formats: Format[],
): Promise<{ editions: Edition[]; missing: Format[]; resized: string[] }> {
  const editions: Edition[] = [];
  const named = new Set<Format>();
  const resized: string[] = [];
  for (const file of book.files) {
    const format = formatOf(file);
    if (!format || !formats.includes(format)) continue;
    named.add(format);
    if (editions.some((edition) => edition.format === format)) continue;
    const mirrorPath = await findInMirror(mirror, file, book.id);
    if (!mirrorPath) continue;
    const stats = await stat(join(mirror, mirrorPath));
    if (file.bytes !== undefined && file.bytes !== stats.size) resized.push(mirrorPath);
    editions.push({ format, mirrorPath, bytes: stats.size, mtimeMs: stats.mtimeMs });
  }
  const missing = [...named].filter((format) => !editions.some((edition) => edition.format === format));
  return { editions, missing, resized };
}

/**
 * Files in a book's mirror folder that its catalog record does not list: left out, and said once
 * for the whole pack. (An HTML edition's own folder, below it, comes whole.)
 */
async function unlistedFiles(mirror: string, book: BookRecord, editions: Edition[]): Promise<string[]> {
  // Every place a listed file may be: no file is looked for, the folder's listing says what is there.
  const listed = new Set(book.files.flatMap((file) => mirrorPaths(file.url, book.id)));
  // The book's folder: where a text edition is, or the one above an HTML edition's own folder.
  const folders = new Set(
    editions
      .map((edition) => posix.dirname(edition.mirrorPath))
      .map((folder) => (/-h$/.test(folder) ? posix.dirname(folder) : folder))
      .filter((folder) => !folder.startsWith('cache/')),
  );
  const unlisted: string[] = [];
  for (const folder of folders) {
    const entries = await readdir(join(mirror, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = `${folder}/${entry.name}`;
      if (entry.isFile() && !listed.has(path)) unlisted.push(path);
    }
  }
  return unlisted.sort();
}

/** A list for a message: the first 20, then how many more. */
function shortList(items: (string | number)[]): string {
  return items.slice(0, 20).join(', ') + (items.length > 20 ? `, and ${items.length - 20} more` : '');
}

/** The files under a folder, as paths relative to it, for an HTML edition's images. */
async function filesUnder(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) found.push(...(await filesUnder(join(folder, entry.name), `${prefix}${entry.name}/`)));
    else if (entry.isFile()) found.push(prefix + entry.name);
  }
  return found;
}

function mirrorFile(mirror: string, mirrorPath: string, path: string, size: number): SourceFile {
  return { path, size, read: () => readFile(join(mirror, mirrorPath)) };
}

/**
 * A Project Gutenberg mirror as a collection: the selected books' pages, editions and images,
 * and browse pages over them. Books with problems are skipped with a reason; the rest go on.
 */
export async function gutenbergCollection(
  mirror: string,
  selection: Selection,
  title: string,
  warn: (message: string) => void,
  catalogArchive?: string,
): Promise<GutenbergCollection> {
  const skipped: SkippedInput[] = [];
  const files: SourceFile[] = [];
  // Said once per format after the catalog is read, not once per book: a mirror without EPUBs lacks them all.
  const missingEditions = new Map<string, number[]>();
  const resizedFiles: string[] = [];
  const unlisted: string[] = [];
  const chosen: { record: BookRecord; editions: Edition[] }[] = [];
  for await (const record of readCatalog(mirror, (problem) => skipped.push(problem), catalogArchive)) {
    if (record.type !== undefined && record.type !== 'Text') continue;
    if (!matchesSelection(record, selection)) continue;
    const { editions, missing, resized } = await editionsOf(mirror, record, selection.formats);
    const label = `book ${record.id}${record.title ? ` ("${record.title}")` : ''}`;
    if (!editions.some((edition) => edition.format === 'html' || edition.format === 'txt')) {
      skipped.push({
        path: `cache/epub/${record.id}`,
        reason: `${label}: the mirror has no HTML or text edition of it`,
      });
      continue;
    }
    for (const format of missing) missingEditions.set(format, [...(missingEditions.get(format) ?? []), record.id]);
    resizedFiles.push(...resized);
    unlisted.push(...(await unlistedFiles(mirror, record, editions)));
    if (!record.title) warn(`${label} has no title in the catalog; it is listed as "Book ${record.id}".`);
    if (!record.agents.some((agent) => agent.role === 'creator')) warn(`${label} has no author in the catalog.`);
    chosen.push({ record, editions });
  }
  for (const [format, ids] of missingEditions) {
    warn(
      `the catalog names the ${format} edition of ${ids.length} book(s) that the mirror does not have: ${shortList(ids)}.`,
    );
  }
  if (resizedFiles.length > 0) {
    warn(
      `${resizedFiles.length} edition file(s) differ in size from the catalog, so the mirror holds another revision; packed as the mirror has them: ${shortList(resizedFiles)}.`,
    );
  }
  if (unlisted.length > 0) {
    warn(
      `${unlisted.length} file(s) in the books' folders are not in the catalog and were left out: ${shortList(unlisted)}.`,
    );
  }
  const kept = new Set(
    applyBudget(
      chosen.map((book) => book.record),
      selection,
    ),
  );

  const books: PackedBook[] = [];
  let newestMtimeMs = 0;
  for (const { record, editions } of chosen.filter((book) => kept.has(book.record))) {
    const folder = bookFolder(record.id);
    const bookTitle = record.title || `Book ${record.id}`;
    const html = editions.find((edition) => edition.format === 'html');
    let reading: string;
    if (html) {
      const name = posix.basename(html.mirrorPath);
      // The book's own page is index.html: an edition of that name moves aside.
      reading = `${folder}/${name === 'index.html' ? `edition-${name}` : name}`;
      files.push(mirrorFile(mirror, html.mirrorPath, reading, html.bytes));
      // An HTML edition's folder (<id>-h/) holds what the page links to: images/ mostly, but also
      // aimages/, pictures beside the page, music and nested pages. All of it comes along, at the
      // same place relative to the page. A page outside such a folder brings its images/ only.
      const editionFolder = posix.dirname(html.mirrorPath);
      const companions = editionFolder.endsWith('-h') ? editionFolder : posix.join(editionFolder, 'images');
      const prefix = companions === editionFolder ? '' : 'images/';
      for (const file of await filesUnder(join(mirror, companions))) {
        if (prefix === '' && file === name) continue;
        const size = (await stat(join(mirror, companions, file))).size;
        files.push(mirrorFile(mirror, `${companions}/${file}`, `${folder}/${prefix}${file}`, size));
      }
    } else {
      const text = editions.find((edition) => edition.format === 'txt')!;
      reading = `${folder}/read.html`;
      const language = record.languages[0] ?? 'en';
      files.push({
        path: reading,
        size: text.bytes,
        read: async () =>
          Buffer.from(
            textEditionHtml(
              splitBoilerplate(decodeBookText(await readFile(join(mirror, text.mirrorPath)))),
              bookTitle,
              language,
            ),
          ),
      });
    }
    const downloads: PackedBook['downloads'] = [];
    for (const edition of editions.filter((edition) => edition.format !== 'html')) {
      const path = `${folder}/${posix.basename(edition.mirrorPath)}`;
      downloads.push({ format: edition.format, path, bytes: edition.bytes });
      files.push(mirrorFile(mirror, edition.mirrorPath, path, edition.bytes));
    }
    for (const edition of editions) newestMtimeMs = Math.max(newestMtimeMs, edition.mtimeMs);
    books.push({ record, title: bookTitle, reading, downloads });
  }

  const keyOf = authorKeys(books);
  for (const book of books) {
    const page = bookPage(book, keyOf);
    files.push({ path: page.path, size: 0, read: async () => Buffer.from(page.html()) });
  }
  for (const page of browsePages(books, title)) {
    files.push({ path: page.path, size: 0, read: async () => Buffer.from(page.html()) });
  }
  files.sort(byBytes);
  return {
    root: mirror,
    files,
    aliases: [],
    skipped,
    newestMtimeMs,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    books: books.length,
    languages: books.map((book) => book.record.languages[0] ?? ''),
  };
}
