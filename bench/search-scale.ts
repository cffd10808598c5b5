/**
 * `npm run bench:search [-- --pages N] [--ferry-only] [--site-only]`: search at scale. Writes N pages (100,000 by default)
 * whose text is sentences of python3.11-doc and scipy-doc drawn with a fixed seed, plus one
 * made-up word per page so rare words exist too; packs them with ferry and zimwriterfs; then, in
 * a fresh process, measures ferry's first query on the just-opened bundle, warm query and
 * suggestion latency, and RSS, and times one-shot searches by `ferry search` and `kiwix-search`.
 * Results go to bench/results/<date>-search-scale.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Bundle } from '../src/bundle/reader.js';
import { decodeHtml, extractPageText } from '../src/pack/html-text.js';
import { BundleSearcher } from '../src/search/searcher.js';
import { escapeHtml } from '../src/search/snippet.js';
import { CORPORA, prepareCorpus } from './corpora.js';
import { seededRandom } from './random.js';
import { measureCommand, rssMB, type CommandCost } from './processes.js';
import { markdownTable, saveResult, type BenchResult, type Row } from './report.js';
import { ensureTools, toolVersions } from './tools.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const SEED = 1;
const SENTENCES_PER_PAGE = 24;
const QUERIES = 200;
const PAIR_QUERIES = 20;
const COMMON_QUERY = 'function';

const rareWord = (page: number) => `zq${page.toString(36)}x`;

function sentencesOf(log: (line: string) => void): string[] {
  const sentences: string[] = [];
  for (const corpus of CORPORA) {
    const prepared = prepareCorpus(corpus, WORK, log);
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.html')) {
          const text = extractPageText(decodeHtml(readFileSync(path))).text;
          for (const sentence of text.split(/(?<=[.!?])\s+/)) {
            if (sentence.length >= 30 && sentence.length <= 400) sentences.push(sentence);
          }
        }
      }
    };
    walk(prepared.html);
  }
  if (sentences.length === 0) throw new Error('no sentences found in the corpora');
  return sentences;
}

/** Writes the pages once; a folder that is already complete is reused. */
function writePages(folder: string, pages: number, sentences: string[]): void {
  const done = join(folder, '.complete');
  if (existsSync(done)) return;
  rmSync(folder, { recursive: true, force: true });
  const next = seededRandom(SEED);
  const pick = () => sentences[Math.floor(next() * sentences.length)]!;
  const links: string[] = [];
  for (let page = 0; page < pages; page++) {
    const path = `p/${page % 1000}/${page}.html`;
    const title = pick().split(/\s+/).slice(0, 5).join(' ');
    const body: string[] = [];
    for (let i = 0; i < SENTENCES_PER_PAGE; i++) {
      if (i % 8 === 0) body.push(`<h2>${escapeHtml(pick().split(/\s+/).slice(0, 4).join(' '))}</h2>`);
      body.push(`<p>${escapeHtml(pick())}${i === 5 ? ` ${rareWord(page)}` : ''}</p>`);
    }
    const file = join(folder, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1>${body.join('')}</main></body></html>`,
    );
    if (page < 100) links.push(`<li><a href="${path}">${escapeHtml(title)}</a></li>`);
  }
  writeFileSync(join(folder, 'index.html'), `<!DOCTYPE html><title>Scale test</title><ul>${links.join('')}</ul>`);
  writeFileSync(done, '');
}

function folderBytes(folder: string): number {
  let bytes = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Runs in a fresh process: the bundle is opened here, so the first query is a cold one. */
async function measureQueries(path: string, pages: number): Promise<void> {
  const started = performance.now();
  const bundle = await Bundle.open(path);
  const openMs = performance.now() - started;
  const searcher = new BundleSearcher(bundle);
  const time = async (work: () => Promise<unknown>) => {
    const at = performance.now();
    await work();
    return performance.now() - at;
  };
  const firstCommonMs = await time(() => searcher.search(COMMON_QUERY));
  const firstRareMs = await time(() => searcher.search(rareWord(Math.floor(pages / 2))));
  const next = seededRandom(SEED + 1);
  const words = ['list', 'array', 'return', 'value', 'matrix', 'string', 'socket', 'thread', 'integral', 'sparse'];
  const queries = Array.from({ length: QUERIES }, (_, i) =>
    i % 2 === 0 ? words[Math.floor(next() * words.length)]! : rareWord(Math.floor(next() * pages)),
  );
  const queryMs: number[] = [];
  let totalHits = 0;
  for (const query of queries) {
    queryMs.push(await time(async () => (totalHits += (await searcher.search(query)).total)));
  }
  const rssAfterWordsMB = rssMB(process.pid);
  // Two common words: neither names the few shards where the pair scores best, so most are read.
  const pairMs: number[] = [];
  for (let i = 0; i < PAIR_QUERIES; i++) {
    const pair = `${words[Math.floor(next() * words.length)]!} ${words[Math.floor(next() * words.length)]!}`;
    pairMs.push(await time(() => searcher.search(pair)));
  }
  pairMs.sort((a, b) => a - b);
  // The first suggestion opens the title list, as the first query opens the index.
  const firstSuggestMs = await time(() => searcher.suggest('fun'));
  const suggestMs: number[] = [];
  const prefixes = ['re', 'the', 'fun', 'arr', 'spa', 'in', 'mat', 'lis', 'so', 'co'];
  for (let i = 0; i < QUERIES; i++) suggestMs.push(await time(() => searcher.suggest(prefixes[i % prefixes.length]!)));
  queryMs.sort((a, b) => a - b);
  suggestMs.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      openMs,
      firstCommonMs,
      firstRareMs,
      queryP50: percentile(queryMs, 0.5),
      queryP99: percentile(queryMs, 0.99),
      firstSuggestMs,
      suggestP50: percentile(suggestMs, 0.5),
      suggestP99: percentile(suggestMs, 0.99),
      pairP50: percentile(pairMs, 0.5),
      pairMax: pairMs[pairMs.length - 1]!,
      rssMB: rssAfterWordsMB,
      rssAfterPairsMB: rssMB(process.pid),
      totalHits,
    }),
  );
  await bundle.close();
}

async function indexBytes(path: string): Promise<number> {
  const bundle = await Bundle.open(path);
  let bytes = 0;
  for await (const record of bundle.records()) {
    if (record.name.startsWith('search/') && 'locator' in record) bytes += record.locator.compressedSize;
  }
  await bundle.close();
  return bytes;
}

/** zimwriterfs on the same pages, as Kiwix users pack a site. */
function packZim(site: string, zim: string, log: (line: string) => void): CommandCost {
  log('packing with zimwriterfs');
  rmSync(zim, { force: true });
  writeFileSync(join(site, 'illustration.png'), readFileSync(join(REPO, 'samples/click-docs/illustration-48.png')));
  return measureCommand('zimwriterfs', [
    '--welcome=index.html',
    '--illustration=illustration.png',
    '--language=eng',
    '--title=scale',
    '--description=benchmark',
    '--creator=ferry bench',
    '--publisher=ferry bench',
    '--name=scale',
    site,
    zim,
  ]);
}

const USAGE = `npm run bench:search [-- --pages N] [--ferry-only] [--site-only]
  --pages N         generated pages (100000 by default); the site and bundle are kept in bench/work/search-scale-N
  --ferry-only      pack and measure ferry only (zimwriterfs takes hours on millions of pages)
  --site-only       write the generated site and stop
node dist/bench/search-scale.js --measure-queries BUNDLE --pages N
                    measure queries on a bundle already packed (the step the bench runs in a fresh process),
                    and print them as JSON
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) return void process.stdout.write(USAGE);
  const argument = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const queryBundle = argument('--measure-queries');
  const pages = Number(argument('--pages') ?? 100_000);
  if (queryBundle) return measureQueries(queryBundle, pages);
  // zimwriterfs takes hours on millions of pages, and Kiwix has no in-process figures to compare.
  const ferryOnly = process.argv.includes('--ferry-only');

  const log = (line: string) => process.stderr.write(line + '\n');
  ensureTools(log);
  const folder = join(WORK, `search-scale-${pages}`);
  const site = join(folder, 'site');
  mkdirSync(folder, { recursive: true });
  if (!existsSync(join(site, '.complete'))) {
    log('collecting sentences from python3.11-doc and scipy-doc');
    const sentences = sentencesOf(log);
    log(`writing ${pages} pages from ${sentences.length} sentences`);
    writePages(site, pages, sentences);
  }
  // Writing millions of pages takes most of an hour: a run can prepare them for a later one.
  if (process.argv.includes('--site-only')) {
    log(`pages written to ${site}`);
    return;
  }
  const ferryBundle = join(folder, 'scale.ferry');
  const zim = join(folder, 'scale.zim');
  log('packing with ferry');
  const ferryPack: CommandCost = measureCommand('node', [
    CLI,
    'pack',
    site,
    '-o',
    ferryBundle,
    '--name',
    'scale',
    '--language',
    'eng',
  ]);
  const kiwixPack = ferryOnly ? undefined : packZim(site, zim, log);
  log('measuring queries in a fresh process');
  const queries = JSON.parse(
    execFileSync('node', [fileURLToPath(import.meta.url), '--measure-queries', ferryBundle, '--pages', String(pages)], {
      encoding: 'utf8',
    }),
  ) as Record<string, number>;
  const ferryOneShot = measureCommand('node', [CLI, 'search', ferryBundle, COMMON_QUERY, '--limit', '10']);
  const kiwixOneShot = ferryOnly ? undefined : measureCommand('kiwix-search', [zim, COMMON_QUERY]);

  const row = (measure: string, unit: string, ferry: number, kiwix: number | null, better: Row['better']): Row => ({
    measure,
    unit,
    ferry,
    kiwix,
    better,
  });
  const rows: Row[] = [
    row('pack time', 's', ferryPack.seconds, kiwixPack?.seconds ?? null, 'lower'),
    row('pack peak RSS', 'MB', ferryPack.peakRssMB, kiwixPack?.peakRssMB ?? null, 'lower'),
    row('file size', 'MB', statSync(ferryBundle).size / 1e6, kiwixPack ? statSync(zim).size / 1e6 : null, 'lower'),
    row('search index bytes', 'MB', (await indexBytes(ferryBundle)) / 1e6, null, 'lower'),
    row('open', 'ms', queries.openMs!, null, 'lower'),
    row(`first query "${COMMON_QUERY}" after open`, 'ms', queries.firstCommonMs!, null, 'lower'),
    row('first query, a rare word', 'ms', queries.firstRareMs!, null, 'lower'),
    row('warm query p50', 'ms', queries.queryP50!, null, 'lower'),
    row('warm query p99', 'ms', queries.queryP99!, null, 'lower'),
    row('first suggestion', 'ms', queries.firstSuggestMs!, null, 'lower'),
    row('suggestion p50', 'ms', queries.suggestP50!, null, 'lower'),
    row('suggestion p99', 'ms', queries.suggestP99!, null, 'lower'),
    row('RSS after queries', 'MB', queries.rssMB!, null, 'lower'),
    row('warm query p50, two common words', 'ms', queries.pairP50!, null, 'lower'),
    row('warm query max, two common words', 'ms', queries.pairMax!, null, 'lower'),
    row('RSS after two-word queries', 'MB', queries.rssAfterPairsMB!, null, 'lower'),
    row(
      `one-shot search "${COMMON_QUERY}" (new process)`,
      's',
      ferryOneShot.seconds,
      kiwixOneShot?.seconds ?? null,
      'lower',
    ),
    row('one-shot search peak RSS', 'MB', ferryOneShot.peakRssMB, kiwixOneShot?.peakRssMB ?? null, 'lower'),
  ];
  const result: BenchResult = {
    date: new Date().toISOString().slice(0, 10),
    corpus: {
      id: `search-scale-${pages}`,
      debianPackage: 'python3.11-doc, python-scipy-doc',
      pages,
      files: pages + 2,
      bytes: folderBytes(site),
    },
    machine: { cpus: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version },
    tools: toolVersions(),
    settings: { loadSeconds: 0, connections: 1, threads: 1, queries: QUERIES, seed: SEED },
    method:
      `\`npm run bench:search\`: ${pages} generated pages of ${SENTENCES_PER_PAGE} sentences drawn (seed ${SEED}) from python3.11-doc and scipy-doc, ` +
      `each with one made-up word. Query figures from a fresh process that opens the bundle; warm figures over ${QUERIES} queries ` +
      `(common words and made-up words, half each) and ${QUERIES} suggestion prefixes. Kiwix has no in-process figures here: ` +
      (ferryOnly
        ? 'with `--ferry-only` neither zimwriterfs nor kiwix-search was run.'
        : `its one-shot \`kiwix-search\` is set beside \`ferry search\`, both new processes.`),
    rows,
  };
  const saved = saveResult(result, REPO);
  process.stdout.write(markdownTable(result) + `\nsaved ${saved}\n`);
}

await main();
