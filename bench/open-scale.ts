/**
 * `npm run bench:open`: builds synthetic bundles of 1k, 100k and 1M entries and measures, each
 * in a fresh process, how long opening takes, how much heap it adds, and how long a warm random
 * lookup takes, so the flat curve is visible. Results go to bench/results/<date>-open-scale.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { EntryKind } from '../src/bundle/path-index.js';
import { Bundle } from '../src/bundle/reader.js';
import { writeSyntheticBundle } from './synthetic-bundle.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work/scale');
const SIZES = [1_000, 100_000, 1_000_000];
const LOOKUPS = 10_000;
const BUILD_HEAP_MB = 12_288;

/** Names shaped like a wiki's: nested, of varied length. */
const nameOf = (i: number) =>
  `content/A/${(i % 977).toString(36)}/Article_${i.toString(36)}_${'x'.repeat(i % 23)}.html`;

async function build(count: number, path: string): Promise<void> {
  await writeSyntheticBundle(
    path,
    `scale-${count}`,
    count,
    (i) => ({
      name: nameOf(i),
      data: Buffer.from(`<p>${i}</p>`),
      kind: EntryKind.Page,
      mediaType: 'text/html',
      compress: false,
    }),
    (written) => {
      if (written % 100_000 === 0) process.stderr.write(`  ${written} entries\n`);
    },
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Runs in a fresh process (with --expose-gc) so the heap figure is the bundle's alone. */
async function measure(path: string, count: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const bundle = await Bundle.open(path);
  const openMs = performance.now() - started;
  gc();
  const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const picks = Array.from({ length: LOOKUPS }, (_, i) =>
    nameOf(Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * count)),
  );
  const cold: number[] = [];
  for (const name of picks.slice(0, 1000)) {
    const at = performance.now();
    if (!(await bundle.lookup(name))) throw new Error(`lookup failed: ${name}`);
    cold.push(performance.now() - at);
  }
  const warm: number[] = [];
  for (const name of picks.slice(0, 1000)) {
    const at = performance.now();
    await bundle.lookup(name);
    warm.push(performance.now() - at);
  }
  cold.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  await bundle.close();
  process.stdout.write(
    JSON.stringify({
      entries: count,
      openMs,
      heapMB,
      firstLookupP50Ms: percentile(cold, 0.5),
      firstLookupP99Ms: percentile(cold, 0.99),
      warmLookupP50Ms: percentile(warm, 0.5),
      warmLookupP99Ms: percentile(warm, 0.99),
    }),
  );
}

async function main(args: string[]): Promise<void> {
  if (args[0] === '--measure') return measure(args[1]!, Number(args[2]));
  if (args[0] === '--build') return build(Number(args[2]), args[1]!);
  mkdirSync(WORK, { recursive: true });
  const rows: Record<string, number>[] = [];
  for (const count of SIZES) {
    const path = join(WORK, `scale-${count}.ferry`);
    if (!existsSync(path)) {
      process.stderr.write(`building ${count} entries\n`);
      // archiver's finalize writes the central directory as many small chunks at once, about
      // 7 KB of short-lived heap per entry, so the builder gets a heap large enough for 1M.
      execFileSync(
        'node',
        [`--max-old-space-size=${BUILD_HEAP_MB}`, fileURLToPath(import.meta.url), '--build', path, String(count)],
        {
          stdio: 'inherit',
        },
      );
    }
    const output = execFileSync(
      'node',
      ['--expose-gc', fileURLToPath(import.meta.url), '--measure', path, String(count)],
      { encoding: 'utf8' },
    );
    rows.push(JSON.parse(output) as Record<string, number>);
  }
  const table = [
    '| entries | open (ms) | heap added (MB) | first lookup p50 / p99 (ms) | warm lookup p50 / p99 (ms) |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.entries!.toLocaleString('en')} | ${row.openMs!.toFixed(1)} | ${row.heapMB!.toFixed(2)} | ${row.firstLookupP50Ms!.toFixed(3)} / ${row.firstLookupP99Ms!.toFixed(3)} | ${row.warmLookupP50Ms!.toFixed(3)} / ${row.warmLookupP99Ms!.toFixed(3)} |`,
    ),
  ].join('\n');
  process.stdout.write(table + '\n');
  const results = join(REPO, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, `${new Date().toISOString().slice(0, 10)}-open-scale.json`),
    JSON.stringify({ rows, table }, null, 2) + '\n',
  );
}

await main(process.argv.slice(2));
