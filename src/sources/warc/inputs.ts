import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { FerryError } from '../../errors.js';

/** One WARC file to read, on disk or inside a WACZ; opened afresh for each pass. */
export interface WarcInput {
  /** Names it in messages: the file, or `package.wacz › archive/data.warc.gz`. */
  label: string;
  /** Its bytes as stored (compressed, for a .warc.gz). */
  size: number;
  open(): Promise<Readable>;
}

/** A page a WACZ lists (pages/pages.jsonl): the first is where its crawl began. */
export interface ListedPage {
  url: string;
  title?: string | undefined;
}

export interface WarcInputs {
  inputs: WarcInput[];
  pages: ListedPage[];
  close(): void;
}

const WARC_FILE = /\.warc(\.gz)?$/i;
const WACZ_FILE = /\.wacz$/i;

/**
 * An entry's bytes, checked against the CRC-32 the package records for it (yauzl checks sizes
 * only): a flipped byte in a WACZ is damage, not content.
 */
function checkedEntry(stream: Readable, entry: yauzl.Entry, path: string): Readable {
  let crc = 0;
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (crc === entry.crc32) done();
      else done(new Error(`${entry.fileName} in "${path}" does not match its CRC-32: the package is damaged`));
    },
  });
  stream.on('error', (error) => checked.destroy(error));
  return stream.pipe(checked);
}

function entriesOf(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

/** The pages of a pages.jsonl: a header line, then one JSON object per page. */
function parsePages(text: string): ListedPage[] {
  const pages: ListedPage[] = [];
  for (const line of text.split('\n')) {
    try {
      const page = JSON.parse(line) as { url?: unknown; title?: unknown };
      if (typeof page.url === 'string')
        pages.push({ url: page.url, title: typeof page.title === 'string' ? page.title : undefined });
    } catch {
      // a damaged line loses that page only
    }
  }
  return pages;
}

/** A WACZ: its archive/ WARCs, read from the package without unpacking it, and its pages list. */
async function openWacz(path: string, into: WarcInputs, zips: yauzl.ZipFile[]): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw new FerryError('INPUT_INVALID', `"${path}" is not a WACZ package (a ZIP file): ${(error as Error).message}.`);
  }
  zips.push(zip);
  const entries = await entriesOf(zip);
  const warcs = entries.filter((entry) => entry.fileName.startsWith('archive/') && WARC_FILE.test(entry.fileName));
  if (warcs.length === 0) {
    // Browsertrix's multi-WACZ: a package of WACZ packages, which yauzl cannot read in place.
    const inner = entries.some((entry) => WACZ_FILE.test(entry.fileName));
    throw new FerryError(
      'INPUT_INVALID',
      inner
        ? `"${path}" is a package of WACZ files: unzip it and give the .wacz files inside.`
        : `The WACZ "${path}" has no WARC file under archive/.`,
    );
  }
  for (const entry of warcs.sort((a, b) => a.fileName.localeCompare(b.fileName))) {
    into.inputs.push({
      label: `${path} › ${entry.fileName}`,
      size: entry.compressedSize,
      open: async () => checkedEntry(await zip.openReadStreamPromise(entry), entry, path),
    });
  }
  for (const name of ['pages/pages.jsonl', 'pages/extraPages.jsonl']) {
    const entry = entries.find((candidate) => candidate.fileName === name);
    if (entry) into.pages.push(...parsePages((await buffer(await zip.openReadStreamPromise(entry))).toString()));
  }
}

async function addPath(path: string, into: WarcInputs, zips: yauzl.ZipFile[], named: boolean): Promise<void> {
  const info = await stat(path).catch(() => {
    throw new FerryError('INPUT_MISSING', `"${path}" does not exist: give WARC files, WACZ files or folders of them.`);
  });
  if (info.isDirectory()) {
    const names = (await readdir(path)).sort();
    for (const name of names) await addPath(join(path, name), into, zips, false);
  } else if (WACZ_FILE.test(path)) {
    await openWacz(path, into, zips);
  } else if (WARC_FILE.test(path) || named) {
    // A file named on the command line is taken as a WARC whatever its name (.warc.open, no ending).
    into.inputs.push({ label: path, size: info.size, open: async () => createReadStream(path) });
  }
}

/** The WARC files given: files, WACZ packages, and folders of them (read in name order). */
export async function openWarcInputs(paths: readonly string[]): Promise<WarcInputs> {
  const zips: yauzl.ZipFile[] = [];
  const found: WarcInputs = { inputs: [], pages: [], close: () => zips.forEach((zip) => zip.close()) };
  try {
    for (const path of paths) await addPath(path, found, zips, true);
  } catch (error) {
    found.close();
    throw error;
  }
  if (found.inputs.length === 0) {
    throw new FerryError('INPUT_EMPTY', `No WARC or WACZ file in ${paths.map((path) => `"${path}"`).join(', ')}.`);
  }
  return found;
}
