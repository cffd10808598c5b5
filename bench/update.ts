/**
 * `npm run bench:update [-- --corpus postgresql-doc-15 --corpus ... --percent 1]`: for each corpus
 * (a folder of HTML: python3.11-doc, scipy-doc, or a site of bench:quality), packs it, then a copy
 * in which 1% of the pages (drawn with a fixed seed) have a sentence added to their first paragraph, serves the new bundle
 * with `ferry serve`, and brings the old one up to it with `ferry update`: bytes fetched and time,
 * beside a whole download of the same file, and how much of the search index changed. Results go
 * to bench/results/<date>-update.json.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Bundle } from '../src/bundle/reader.js';
import { diffBundles, type DiffSummary } from '../src/distribute/diff.js';
import { CORPORA, prepareCorpus } from './corpora.js';
import { indexSize } from './index-size.js';
import { measureCommand, startServer } from './processes.js';
import { qualityCorpora } from './quality-corpora.js';
import { seededRandom } from './random.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const PORT = 8793;
const log = (line: string) => process.stderr.write(line + '\n');

function htmlPages(folder: string, prefix = ''): string[] {
  const pages: string[] = [];
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (entry.isDirectory()) pages.push(...htmlPages(folder, relative + '/'));
    else if (/\.html?$/.test(entry.name)) pages.push(relative);
  }
  return pages.sort();
}

/** The HTML folder of a corpus, by id, from either list. */
function siteOf(id: string): { html: string; language: string } {
  const corpus = CORPORA.find((each) => each.id === id);
  if (corpus) return { html: prepareCorpus(corpus, WORK, log).html, language: corpus.language };
  const quality = qualityCorpora(REPO).find((each) => each.id === id);
  const source = quality?.prepare(WORK, log).source;
  if (!quality || source?.length !== 1 || !existsSync(join(source[0]!, '.'))) {
    throw new Error(`${id} is not a corpus of HTML files this bench can edit`);
  }
  return { html: source[0]!, language: quality.language };
}

/** Stored bytes of the changed entries under search/ (shards and statistics, not titles). */
async function indexChange(older: string, newer: string): Promise<{ summary: DiffSummary; indexBytes: number }> {
  const [a, b] = await Promise.all([Bundle.open(older), Bundle.open(newer)]);
  let indexBytes = 0;
  try {
    const changes = diffBundles(a, b);
    for (;;) {
      const next = await changes.next();
      if (next.done) return { summary: next.value, indexBytes };
      if (next.value.name.startsWith('search/') && next.value.name !== 'search/titles') indexBytes += next.value.bytes;
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function measure(id: string, percent: number): Promise<Record<string, unknown>> {
  const { html, language } = siteOf(id);
  const folder = join(WORK, `update-${id}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'served'), { recursive: true });

  log(`${id}: copying and editing ${percent}% of its pages`);
  const edited = join(folder, 'edited-site');
  cpSync(html, edited, { recursive: true });
  const pages = htmlPages(edited);
  const next = seededRandom(1);
  const chosen = new Set<string>();
  while (chosen.size < Math.max(1, Math.round((pages.length * percent) / 100))) {
    chosen.add(pages[Math.floor(next() * pages.length)]!);
  }
  for (const page of chosen) {
    const path = join(edited, page);
    const text = readFileSync(path, 'utf8');
    // In the first paragraph, so the sentence is in the text search indexes, whatever the page's layout.
    const sentence = ' This page was revised for the update benchmark.';
    const revised = text.includes('</p>')
      ? text.replace('</p>', `${sentence}</p>`)
      : text.replace('</body>', `<p>${sentence}</p></body>`);
    writeFileSync(path, revised);
  }

  const name = id.replace(/\W/g, '_');
  const pack = (site: string, output: string, epoch: string, extra: string[] = []) =>
    measureCommand('env', [
      `SOURCE_DATE_EPOCH=${epoch}`,
      'node',
      CLI,
      'pack',
      site,
      '-o',
      output,
      '--name',
      name,
      '--language',
      language,
      ...extra,
    ]);
  log(`${id}: packing the old and the new edition`);
  const oldBundle = join(folder, 'old.ferry');
  const newBundle = join(folder, 'served', 'new.ferry');
  pack(html, oldBundle, '1700000000');
  // As a publisher of editions does: the new one reuses the old one's compression dictionary.
  pack(edited, newBundle, '1700086400', ['--base', oldBundle]);
  const index = await indexChange(oldBundle, newBundle);
  const size = await indexSize(newBundle);

  const server = await startServer(
    'ferry serve',
    'node',
    [CLI, 'serve', join(folder, 'served'), '--port', String(PORT), '--host', '127.0.0.1'],
    PORT,
    '/',
  );
  try {
    const url = `http://127.0.0.1:${PORT}/download/${name}`;
    const target = join(folder, 'updated.ferry');
    await copyFile(oldBundle, target);
    log(`${id}: ferry update`);
    const update = measureCommand('node', [CLI, 'update', target, url]);
    const fetched = /([\d.]+ [KMG]?B) fetched of [^(]*\(([\d.]+)%\)/.exec(update.stderr);
    // The update ran synchronously: the pooled connection of the readiness probe may have timed out
    // meanwhile, so a first failure is tried again on a new one.
    const download = async () => Buffer.from(await (await fetch(url)).arrayBuffer());
    await download().catch(() => undefined);
    const started = performance.now();
    const whole = await download();
    const downloadSeconds = (performance.now() - started) / 1000;
    return {
      corpus: id,
      pages: pages.length,
      editedPages: chosen.size,
      bundleBytes: statSync(newBundle).size,
      indexBytes: size.search,
      shards: size.shards,
      indexChangedBytes: index.indexBytes,
      indexChangedPercent: Math.round((1000 * index.indexBytes) / size.search) / 10,
      changedEntries: index.summary.changed + index.summary.added,
      update: {
        seconds: update.seconds,
        fetched: fetched?.[1] ?? '?',
        fetchedPercent: Number(fetched?.[2] ?? NaN),
        peakRssMB: update.peakRssMB,
        identical: readFileSync(target).equals(readFileSync(newBundle)),
      },
      wholeDownload: { seconds: downloadSeconds, bytes: whole.length },
    };
  } finally {
    await server.stop();
  }
}

async function main(args: string[]): Promise<void> {
  const ids = args.flatMap((arg, i) => (arg === '--corpus' && args[i + 1] ? [args[i + 1]!] : []));
  const at = args.indexOf('--percent');
  const percent = at >= 0 ? Number(args[at + 1]) : 1;
  const results = [];
  for (const id of ids.length > 0 ? ids : ['scipy-doc']) {
    const result = await measure(id, percent);
    results.push(result);
    const update = result.update as { fetched: string; fetchedPercent: number; identical: boolean };
    process.stdout.write(
      `${id}: ${String(result.editedPages)} of ${String(result.pages)} pages edited; ` +
        `update fetched ${update.fetched} (${update.fetchedPercent}% of the bundle), byte-identical: ${update.identical}; ` +
        `search index ${((result.indexBytes as number) / 1e6).toFixed(2)} MB in ${String(result.shards)} shards, ` +
        `${String(result.indexChangedPercent)}% of it changed\n`,
    );
  }
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const file = join(REPO, 'bench/results', `${date}-update.json`);
  writeFileSync(file, JSON.stringify({ date, percent, results }, null, 2) + '\n');
  process.stdout.write(`saved ${file}\n`);
}

await main(process.argv.slice(2));
