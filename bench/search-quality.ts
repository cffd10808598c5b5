/**
 * `npm run bench:quality [-- --corpus ID]...`: search quality of ferry beside Kiwix on many real
 * corpora of different makers, with queries made from the pages (bench/quality-queries.ts):
 * recall@1, recall@5 and MRR per corpus and query kind, both tools in the same run on the same
 * HTML (Kiwix packs what ferry's bundle holds). Results go to bench/results/<date>-quality.json.
 * `--reuse` searches the bundles of an earlier run again, beside that run's Kiwix figures;
 * `--misses` also prints each query whose expected page is not first, with what came first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EntryKind } from '../src/bundle/path-index.js';
import { Bundle } from '../src/bundle/reader.js';
import { decodeHtml } from '../src/pack/html-text.js';
import { defaultIllustration } from '../src/pack/illustration.js';
import { BundleSearcher } from '../src/search/searcher.js';
import { kiwixSearch, packZim } from './kiwix.js';
import { measureCommand, startServer } from './processes.js';
import { qualityCorpora, type QualityCorpus } from './quality-corpora.js';
import { pageFacts, QUERY_KINDS, queriesOf, type PageFacts } from './quality-queries.js';
import { evaluate, queriesFromInventory, type QualityResult } from './quality.js';
import { ensureTools, toolVersions } from './tools.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const OUT = join(WORK, 'quality');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const QUERIES_PER_KIND = 50;
const SEED = 1;
const PORT = 8301;
const log = (line: string) => process.stderr.write(`quality: ${line}\n`);
const showMisses = process.argv.includes('--misses');

interface CorpusResult {
  id: string;
  maker: string;
  pages: number;
  kinds: KindResult[];
}

interface KindResult {
  kind: string;
  queries: number;
  /** Of the queries that name a section, the share whose first result opens at it (ferry only). */
  sectionAt1?: number;
  ferry: QualityResult;
  kiwix: QualityResult;
}

async function factsOf(bundle: Bundle): Promise<PageFacts[]> {
  const facts: PageFacts[] = [];
  for await (const record of bundle.records()) {
    if (record.kind !== EntryKind.Page || !record.locator.mediaType.includes('html')) continue;
    const path = record.name.slice('content/'.length);
    facts.push(pageFacts(path, decodeHtml(await bundle.read(record))));
  }
  return facts;
}

/**
 * Kiwix packs exactly the HTML ferry's bundle holds: its content/ folder, unzipped from a
 * deflate copy (unzip cannot read a compact bundle's zstd entries).
 */
function zimOfBundle(corpus: QualityCorpus, bundlePath: string, mainPage: string): string {
  const folder = join(OUT, `${corpus.id}-html`);
  rmSync(folder, { recursive: true, force: true });
  const deflated = join(OUT, `${corpus.id}-deflate.ferry`);
  rmSync(deflated, { force: true });
  execFileSync('node', [CLI, 'convert', bundlePath, deflated, '--compression', 'deflate'], { stdio: 'ignore' });
  execFileSync('unzip', ['-q', deflated, 'content/*', '-d', folder]);
  rmSync(deflated, { force: true });
  const html = join(folder, 'content');
  writeFileSync(join(html, 'illustration-48.png'), defaultIllustration(corpus.id));
  const zim = join(OUT, `${corpus.id}.zim`);
  packZim(html, zim, {
    name: corpus.id,
    language: corpus.language,
    welcome: mainPage,
    illustration: 'illustration-48.png',
    description: 'quality benchmark',
    creator: 'various',
  });
  return zim;
}

/**
 * With `kiwixBefore` (--reuse), the bundle packed by an earlier run is searched again and Kiwix's
 * figures are taken from that run: for trying a change of ranking on every corpus in minutes.
 */
async function measureCorpus(corpus: QualityCorpus, kiwixBefore?: CorpusResult): Promise<CorpusResult> {
  const prepared = corpus.prepare(WORK, log);
  const bundlePath = join(OUT, `${corpus.id}.ferry`);
  if (!kiwixBefore || !existsSync(bundlePath)) {
    rmSync(bundlePath, { force: true });
    log(`${corpus.id}: packing with ferry`);
    const pack = [
      CLI,
      'pack',
      ...prepared.source,
      '-o',
      bundlePath,
      '--name',
      corpus.id,
      '--language',
      corpus.language,
    ];
    measureCommand('node', pack);
  }
  const bundle = await Bundle.open(bundlePath);
  const facts = await factsOf(bundle);
  const names = prepared.inventory ? queriesFromInventory(prepared.inventory, QUERIES_PER_KIND, SEED) : undefined;
  const queries = queriesOf(facts, QUERIES_PER_KIND, SEED, names);
  const searcher = new BundleSearcher(bundle);
  const ferrySearch = async (query: string) => (await searcher.search(query, { limit: 5 })).hits.map((hit) => hit.path);
  const kinds: KindResult[] = [];
  let kiwix: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    if (!kiwixBefore) {
      log(`${corpus.id}: ${facts.length} pages; packing with zimwriterfs`);
      const zim = zimOfBundle(corpus, bundlePath, bundle.manifest.mainPage);
      const args = ['--port', String(PORT), '--address', '127.0.0.1', zim];
      kiwix = await startServer('kiwix-serve', 'kiwix-serve', args, PORT, '/');
    }
    for (const kind of QUERY_KINDS) {
      const list = queries[kind];
      const before = kiwixBefore?.kinds.find((row) => row.kind === kind)?.kiwix;
      if (list.length === 0 || (kiwixBefore && !before)) continue;
      const server = kiwix;
      const anchored = list.filter((query) => query.anchor !== undefined);
      let atSection = 0;
      for (const { query, expected, anchor } of anchored) {
        const first = (await searcher.search(query, { limit: 1 })).hits[0];
        if (first?.path === expected && first.section === anchor) atSection++;
      }
      if (showMisses) {
        for (const { query, expected } of list) {
          const hits = (await searcher.search(query, { limit: 5 })).hits.map((hit) => hit.path);
          if (hits[0] !== expected)
            log(
              `miss ${corpus.id} ${kind}: "${query}" wants ${expected} at ${hits.indexOf(expected) + 1 || '-'}, first ${hits[0] ?? 'none'}`,
            );
        }
      }
      kinds.push({
        kind,
        queries: list.length,
        ...(anchored.length > 0 ? { sectionAt1: atSection / anchored.length } : {}),
        ferry: await evaluate(list, ferrySearch),
        kiwix: before ?? (await evaluate(list, (query) => kiwixSearch(server!.base, corpus.id, query))),
      });
    }
  } finally {
    await kiwix?.stop();
    await bundle.close();
  }
  return { id: corpus.id, maker: corpus.maker, pages: facts.length, kinds };
}

function table(results: CorpusResult[]): string {
  const f = (value: number) => value.toFixed(2);
  const lines = [
    '| corpus (maker) | kind | queries | ferry R@1 / R@5 / MRR | Kiwix R@1 / R@5 / MRR | ferry section@1 |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const result of results) {
    for (const row of result.kinds) {
      const mark = (a: number, b: number) => (a < b ? ' ✗' : '');
      lines.push(
        `| ${result.id} (${result.maker}) | ${row.kind} | ${row.queries} | ${f(row.ferry.recallAt1)}${mark(row.ferry.recallAt1, row.kiwix.recallAt1)} / ${f(row.ferry.recallAt5)}${mark(row.ferry.recallAt5, row.kiwix.recallAt5)} / ${f(row.ferry.mrr)} | ${f(row.kiwix.recallAt1)} / ${f(row.kiwix.recallAt5)} / ${f(row.kiwix.mrr)} | ${row.sectionAt1 === undefined ? '' : f(row.sectionAt1)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Today's results so far: a run of a few corpora replaces theirs and keeps the others'. */
function merged(file: string, fresh: CorpusResult[], order: string[]): CorpusResult[] {
  const byId = new Map<string, CorpusResult>();
  if (existsSync(file)) {
    for (const old of (JSON.parse(readFileSync(file, 'utf8')) as { results: CorpusResult[] }).results)
      byId.set(old.id, old);
  }
  for (const result of fresh) byId.set(result.id, result);
  return [...byId.values()].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

async function main(args: string[]): Promise<void> {
  const chosen = args.flatMap((arg, i) => (arg === '--corpus' && args[i + 1] ? [args[i + 1]!] : []));
  ensureTools(log);
  mkdirSync(OUT, { recursive: true });
  const all = qualityCorpora(REPO);
  const unknown = chosen.filter((id) => !all.some((corpus) => corpus.id === id));
  if (unknown.length > 0)
    throw new Error(`unknown corpus ${unknown.join(', ')}; known: ${all.map((c) => c.id).join(', ')}`);
  const date = new Date().toISOString().slice(0, 10);
  const folder = join(REPO, 'bench/results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${date}-quality.json`);
  const reuse = args.includes('--reuse');
  const earlier = reuse ? merged(file, [], []) : [];
  const fresh = [];
  for (const corpus of all.filter((each) => chosen.length === 0 || chosen.includes(each.id))) {
    fresh.push(await measureCorpus(corpus, reuse ? earlier.find((result) => result.id === corpus.id) : undefined));
  }
  const results = merged(
    file,
    fresh,
    all.map((corpus) => corpus.id),
  );
  const markdown = table(reuse ? fresh : results);
  process.stdout.write(markdown + '\n\n✗ marks a figure below Kiwix.\n');
  // A trial against an earlier run's Kiwix figures is printed, never saved as a result.
  if (reuse) return;
  const saved = { date, seed: SEED, queriesPerKind: QUERIES_PER_KIND, tools: toolVersions(), results, table: markdown };
  writeFileSync(file, JSON.stringify(saved, null, 2) + '\n');
  log(`wrote ${file}`);
}

await main(process.argv.slice(2));
