/**
 * `npm run bench`: ferry and Kiwix side by side on real Debian documentation. Packs each corpus
 * with both, serves each on 127.0.0.1, loads them with wrk, scores search quality, and prints
 * one table of ratios. Options: --corpus ID (repeatable), --quick (short loads, 50 queries).
 */
import { mkdirSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, ILLUSTRATION_FILE, prepareCorpus, type PreparedCorpus } from './corpora.js';
import { kiwixSearch, packZim } from './kiwix.js';
import { runWrk, type LoadOptions, type LoadResult } from './load.js';
import { measureCommand, rssMB, startServer, type CommandCost, type RunningServer } from './processes.js';
import { evaluate, queriesFromInventory, type KnownQuery, type QualityResult } from './quality.js';
import { markdownTable, saveResult, type BenchResult, type Row } from './report.js';
import { ensureTools, toolVersions } from './tools.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const SEED = 1;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface ServerSide {
  startSeconds: number;
  idleRssMB: number;
  loadedRssMB: number;
  loads: Record<string, LoadResult | null>;
  crashes: string[];
  quality: QualityResult;
}

interface Tool {
  name: 'ferry' | 'kiwix';
  pack(corpus: PreparedCorpus, output: string): CommandCost;
  start(output: string, port: number): Promise<RunningServer>;
  urls(corpus: PreparedCorpus): Record<string, string>;
  search(base: string, corpus: PreparedCorpus, query: string): Promise<string[]>;
}

const ferry: Tool = {
  name: 'ferry',
  pack: (corpus, output) =>
    measureCommand('node', [
      CLI,
      'pack',
      corpus.html,
      '-o',
      output,
      '--name',
      corpus.id,
      '--language',
      corpus.language,
      '--title',
      corpus.id,
      '--description',
      'benchmark',
      '--creator',
      'Debian',
      '--publisher',
      'ferry bench',
      '--license',
      'see package',
      '--illustration',
      join(corpus.html, ILLUSTRATION_FILE),
    ]),
  start: (output, port) =>
    startServer(
      'ferry',
      'node',
      [CLI, 'serve', output, '--port', String(port), '--host', '127.0.0.1', '--no-qr', '--search-rate', '0'],
      port,
      '/',
    ),
  urls: (corpus) => {
    const term = encodeURIComponent(corpus.searchTerm);
    return {
      page: `/content/${corpus.id}/${corpus.page}`,
      asset: `/content/${corpus.id}/${corpus.largestAsset}`,
      search: `/api/search?bundle=${corpus.id}&q=${term}`,
      suggest: `/api/suggest?bundle=${corpus.id}&q=${term}`,
    };
  },
  search: async (base, corpus, query) => {
    const response = await fetch(`${base}/api/search?bundle=${corpus.id}&limit=5&q=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { hits: { path: string }[] };
    return body.hits.map((hit) => hit.path);
  },
};

const kiwix: Tool = {
  name: 'kiwix',
  pack: (corpus, output) =>
    packZim(corpus.html, output, {
      name: corpus.id,
      language: corpus.language,
      welcome: 'index.html',
      illustration: ILLUSTRATION_FILE,
      description: 'benchmark',
      creator: 'Debian',
    }),
  start: (output, port) =>
    startServer('kiwix-serve', 'kiwix-serve', ['--port', String(port), '--address', '127.0.0.1', output], port, '/'),
  urls: (corpus) => {
    const term = encodeURIComponent(corpus.searchTerm);
    return {
      page: `/${corpus.id}/${corpus.page}`,
      asset: `/${corpus.id}/${corpus.largestAsset}`,
      search: `/search?content=${corpus.id}&pattern=${term}`,
      suggest: `/suggest?content=${corpus.id}&term=${term}`,
    };
  },
  search: (base, corpus, query) => kiwixSearch(base, corpus.id, query),
};

async function measureServer(
  tool: Tool,
  corpus: PreparedCorpus,
  output: string,
  port: number,
  load: LoadOptions,
  queries: KnownQuery[],
): Promise<ServerSide> {
  let server = await tool.start(output, port);
  const side: ServerSide = {
    startSeconds: server.startSeconds,
    idleRssMB: 0,
    loadedRssMB: 0,
    loads: {},
    crashes: [],
    quality: await evaluate([], async () => []),
  };
  await new Promise((resolve) => setTimeout(resolve, 1000));
  side.idleRssMB = rssMB(server.process.pid!);
  const urls = tool.urls(corpus);
  const plans: [string, string, LoadOptions][] = [
    ['page', urls.page!, load],
    ['page gzip', urls.page!, { ...load, headers: { 'Accept-Encoding': 'gzip' } }],
    ['asset', urls.asset!, load],
    ['search', urls.search!, load],
    ['suggest, 1 connection', urls.suggest!, { ...load, connections: 1, threads: 1 }],
    ['suggest, 16 connections', urls.suggest!, load],
  ];
  for (const [label, url, options] of plans) {
    log(`${tool.name}: ${label}`);
    const result = await runWrk(server.base + url, options);
    await new Promise((resolve) => setTimeout(resolve, 200)); // Let an exit be reported.
    if (!server.alive()) {
      side.crashes.push(label);
      side.loads[label] = null;
      log(`${tool.name} crashed under "${label}"; restarting it`);
      server = await tool.start(output, port);
      continue;
    }
    side.loads[label] = result;
    // The highest RSS after any load, read while the process that took it is still alive.
    side.loadedRssMB = Math.max(side.loadedRssMB, rssMB(server.process.pid!));
  }
  log(`${tool.name}: ${queries.length} quality queries`);
  side.quality = await evaluate(queries, (query) => tool.search(server.base, corpus, query));
  await server.stop();
  return side;
}

function rows(
  corpus: PreparedCorpus,
  packs: Record<string, CommandCost & { bytes: number }>,
  sides: Record<string, ServerSide>,
): Row[] {
  const f = sides.ferry!;
  const k = sides.kiwix!;
  const table: Row[] = [
    { measure: 'pack time', unit: 's', ferry: packs.ferry!.seconds, kiwix: packs.kiwix!.seconds, better: 'lower' },
    {
      measure: 'pack peak RSS',
      unit: 'MB',
      ferry: packs.ferry!.peakRssMB,
      kiwix: packs.kiwix!.peakRssMB,
      better: 'lower',
    },
    {
      measure: 'file size',
      unit: 'MB',
      ferry: packs.ferry!.bytes / 1e6,
      kiwix: packs.kiwix!.bytes / 1e6,
      better: 'lower',
    },
    { measure: 'time to first answer', unit: 's', ferry: f.startSeconds, kiwix: k.startSeconds, better: 'lower' },
    { measure: 'server RSS idle', unit: 'MB', ferry: f.idleRssMB, kiwix: k.idleRssMB, better: 'lower' },
  ];
  for (const label of Object.keys(f.loads)) {
    const fl = f.loads[label] ?? null;
    const kl = k.loads[label] ?? null;
    const crashed = kl === null ? '(crashed)' : undefined;
    table.push({
      measure: `${label}: throughput`,
      unit: 'req/s',
      ferry: fl?.requestsPerSecond ?? null,
      kiwix: kl?.requestsPerSecond ?? null,
      better: 'higher',
      ...(crashed && { note: crashed }),
    });
    table.push({
      measure: `${label}: p50 latency`,
      unit: 'ms',
      ferry: fl?.p50ms ?? null,
      kiwix: kl?.p50ms ?? null,
      better: 'lower',
    });
    table.push({
      measure: `${label}: p99 latency`,
      unit: 'ms',
      ferry: fl?.p99ms ?? null,
      kiwix: kl?.p99ms ?? null,
      better: 'lower',
    });
  }
  table.push(
    { measure: 'server RSS after load', unit: 'MB', ferry: f.loadedRssMB, kiwix: k.loadedRssMB, better: 'lower' },
    { measure: 'search recall@1', unit: '', ferry: f.quality.recallAt1, kiwix: k.quality.recallAt1, better: 'higher' },
    { measure: 'search recall@5', unit: '', ferry: f.quality.recallAt5, kiwix: k.quality.recallAt5, better: 'higher' },
    { measure: 'search MRR', unit: '', ferry: f.quality.mrr, kiwix: k.quality.mrr, better: 'higher' },
    {
      measure: 'search p50, one at a time',
      unit: 'ms',
      ferry: f.quality.p50ms,
      kiwix: k.quality.p50ms,
      better: 'lower',
    },
    { measure: 'crashes under load', unit: '', ferry: f.crashes.length, kiwix: k.crashes.length, better: 'lower' },
  );
  return table;
}

async function benchCorpus(id: string, quick: boolean): Promise<BenchResult> {
  const definition = CORPORA.find((corpus) => corpus.id === id);
  if (!definition) throw new Error(`unknown corpus "${id}"; known: ${CORPORA.map((corpus) => corpus.id).join(', ')}`);
  const corpus = prepareCorpus(definition, WORK, log);
  log(`${corpus.id}: ${corpus.pages} pages, ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB`);
  const out = join(WORK, 'out');
  mkdirSync(out, { recursive: true });
  const outputs = { ferry: join(out, `${corpus.id}.ferry`), kiwix: join(out, `${corpus.id}.zim`) };
  const packs: Record<string, CommandCost & { bytes: number }> = {};
  for (const tool of [ferry, kiwix]) {
    log(`${tool.name}: packing ${corpus.id}`);
    const cost = tool.pack(corpus, outputs[tool.name]);
    packs[tool.name] = { ...cost, bytes: statSync(outputs[tool.name]).size };
  }
  const load: LoadOptions = { seconds: quick ? 3 : 10, connections: 16, threads: 2 };
  const queries = queriesFromInventory(join(corpus.html, corpus.objectsInv), quick ? 50 : 200, SEED);
  const sides: Record<string, ServerSide> = {};
  sides.ferry = await measureServer(ferry, corpus, outputs.ferry, 8201, load, queries);
  sides.kiwix = await measureServer(kiwix, corpus, outputs.kiwix, 8202, load, queries);
  return {
    date: new Date().toISOString().slice(0, 10),
    corpus: {
      id: corpus.id,
      debianPackage: corpus.debianPackage,
      pages: corpus.pages,
      files: corpus.files,
      bytes: corpus.bytes,
    },
    machine: { cpus: cpus().length, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version },
    tools: toolVersions(),
    settings: {
      loadSeconds: load.seconds,
      connections: load.connections,
      threads: load.threads,
      queries: queries.length,
      seed: SEED,
    },
    rows: rows(corpus, packs, sides),
  };
}

async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const chosen = args.flatMap((arg, i) => (arg === '--corpus' && args[i + 1] ? [args[i + 1]!] : []));
  ensureTools(log);
  for (const id of chosen.length > 0 ? chosen : CORPORA.map((corpus) => corpus.id)) {
    const result = await benchCorpus(id, quick);
    const file = saveResult(result, REPO);
    process.stdout.write(markdownTable(result) + '\n\n');
    log(`wrote ${file} and BENCHMARKS.md`);
  }
}

await main(process.argv.slice(2));
