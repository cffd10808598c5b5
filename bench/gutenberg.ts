/**
 * `npm run bench:gutenberg [-- --books 10000 --catalog 70000]`: expands the fixture mirror
 * (test/fixtures/gutenberg) into a synthetic mirror of N books, each with its own catalog record
 * (titles, authors, languages, subjects and download counts drawn with a fixed seed) and the
 * fixture's text edition, and packs it: books per second and peak RSS. Then reads a catalog of M
 * records, as a pack of the whole Project Gutenberg catalog would, and reports its peak RSS.
 * Results go to bench/results/<date>-gutenberg.json.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCatalog } from '../src/sources/gutenberg/catalog.js';
import { seededRandom } from './random.js';
import { measureCommand } from './processes.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const FIXTURE = join(REPO, 'test/fixtures/gutenberg/cache/epub/2701');
const SEED = 1;

const WORDS =
  'whale sea ship captain voyage island harbour storm night river city garden letter journey war king'.split(' ');
const LANGUAGES = ['en', 'en', 'en', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'fi'];
const SUBJECTS = ['Sea stories', 'Whaling -- Fiction', 'Adventure stories', 'Love stories', 'Poetry', 'History'];
const SHELVES = ['Best Books Ever Listings', 'Adventure', 'Harvard Classics', "Children's Literature"];

/** Writes N records and, with `withText`, hard links to the fixture's text edition. */
function writeMirror(folder: string, books: number, withText: boolean): void {
  const done = join(folder, '.complete');
  if (existsSync(done)) return;
  rmSync(folder, { recursive: true, force: true });
  const template = readFileSync(join(FIXTURE, 'pg2701.rdf'), 'utf8');
  const next = seededRandom(SEED);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
  for (let id = 1; id <= books; id++) {
    const book = join(folder, 'cache/epub', String(id));
    mkdirSync(book, { recursive: true });
    const author = `Author${Math.floor(next() * 5000)}, ${pick(WORDS)}`;
    const record = template
      .replaceAll('ebooks/2701', `ebooks/${id}`)
      .replace('Moby Dick; Or, The Whale', `${pick(WORDS)} ${pick(WORDS)} ${id}`)
      .replace('Melville, Herman', author)
      .replace('>en<', `>${pick(LANGUAGES)}<`)
      .replace('Whaling -- Fiction', pick(SUBJECTS))
      .replace('Best Books Ever Listings', pick(SHELVES))
      .replace('>20512<', `>${Math.floor(next() * 50000)}<`);
    writeFileSync(join(book, `pg${id}.rdf`), record);
    if (withText) linkSync(join(FIXTURE, 'pg2701.txt'), join(book, `pg${id}.txt`));
  }
  writeFileSync(done, '');
}

/** Runs in its own process, measured by GNU time: reads the whole catalog and keeps it. */
async function readWholeCatalog(mirror: string): Promise<void> {
  // A pack keeps every selected record's metadata for its browse pages: so does this.
  const records = [];
  for await (const record of readCatalog(mirror, () => undefined)) records.push(record);
  process.stderr.write(`read ${records.length} records\n`);
}

async function main(): Promise<void> {
  const argument = (name: string, fallback: number) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const catalogOnly = process.argv.indexOf('--read-catalog');
  if (catalogOnly > 0) return readWholeCatalog(process.argv[catalogOnly + 1]!);
  const books = argument('--books', 10_000);
  const catalog = argument('--catalog', 70_000);
  const log = (line: string) => process.stderr.write(line + '\n');

  const mirror = join(WORK, `gutenberg-${books}`);
  log(`writing a mirror of ${books} books`);
  writeMirror(mirror, books, true);
  const output = join(mirror, 'books.ferry');
  log('packing');
  const pack = measureCommand('node', [
    CLI,
    'pack',
    '--kind',
    'gutenberg',
    mirror,
    '-o',
    output,
    '--name',
    'books',
    '--formats',
    'txt',
  ]);

  const catalogMirror = join(WORK, `gutenberg-catalog-${catalog}`);
  log(`writing a catalog of ${catalog} records`);
  writeMirror(catalogMirror, catalog, false);
  log('reading the catalog');
  const read = measureCommand('node', [fileURLToPath(import.meta.url), '--read-catalog', catalogMirror]);

  const result = {
    date: new Date().toISOString().slice(0, 10),
    books,
    pack: { seconds: pack.seconds, booksPerSecond: books / pack.seconds, peakRssMB: pack.peakRssMB },
    catalog: {
      records: catalog,
      seconds: read.seconds,
      recordsPerSecond: catalog / read.seconds,
      peakRssMB: read.peakRssMB,
    },
  };
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const file = join(REPO, 'bench/results', `${result.date}-gutenberg.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    `pack of ${books} books (text editions, browse pages): ${pack.seconds.toFixed(1)} s, ` +
      `${result.pack.booksPerSecond.toFixed(0)} books/s, peak RSS ${pack.peakRssMB.toFixed(0)} MB\n` +
      `catalog of ${catalog} records read and held: ${read.seconds.toFixed(1)} s, peak RSS ${read.peakRssMB.toFixed(0)} MB\n` +
      `saved ${file}\n`,
  );
}

await main();
