/**
 * `npm run bench:bundle-size [-- --corpus ID]...`: whole files, as a user compares them on a USB
 * stick. Each corpus of bench:quality is packed by ferry in both modes (compact and deflate) from
 * the same source, timed, beside the ZIM bench:quality made of the same HTML (with and without
 * Xapian's full-text index). Then, in a fresh process per bundle, the time from opening the
 * bundle to the first page read whole (what a server's first reader waits for), and the median
 * time to read a page after that. Results go to bench/results/<date>-bundle-size.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCommand } from './processes.js';
import { qualityCorpora } from './quality-corpora.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const QUALITY = join(REPO, 'bench/work/quality');
const WORK = join(REPO, 'bench/work');
const OUT = join(REPO, 'bench/work/bundle-size');
const MODES = ['compact', 'deflate'] as const;
const log = (line: string) => process.stderr.write(`bundle-size: ${line}\n`);

/**
 * Run in a new process: the time to open the bundle and read its main page whole (the first
 * request a fresh server answers), then the median time to read every 20th page; milliseconds.
 */
const READ_SCRIPT = `
const { performance } = await import('node:perf_hooks');
const { Bundle } = await import(${JSON.stringify(join(REPO, 'dist/src/bundle/reader.js'))});
const { EntryKind } = await import(${JSON.stringify(join(REPO, 'dist/src/bundle/path-index.js'))});
const started = performance.now();
const bundle = await Bundle.open(process.argv[1]);
await bundle.read(await bundle.resolveContent(bundle.manifest.mainPage));
const first = performance.now() - started;
const pages = [];
for await (const record of bundle.records()) if (record.kind === EntryKind.Page) pages.push(record);
const times = [];
for (let i = 0; i < pages.length; i += 20) {
  const at = performance.now();
  await bundle.read(pages[i]);
  times.push(performance.now() - at);
}
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ first, warm: times[Math.floor(times.length / 2)] }));
`;

interface ModeResult {
  bytes: number;
  packSeconds: number;
  packRssMB: number;
  firstPageMs: number;
  warmPageMs: number;
}

interface Row {
  corpus: string;
  zim: number | undefined;
  zimWithoutIndex: number | undefined;
  modes: Record<(typeof MODES)[number], ModeResult>;
}

function sizeOf(path: string): number | undefined {
  return existsSync(path) ? statSync(path).size : undefined;
}

function readTimes(bundle: string): { first: number; warm: number } {
  const output = execFileSync('node', ['--input-type=module', '-e', READ_SCRIPT, bundle], { encoding: 'utf8' });
  return JSON.parse(output) as { first: number; warm: number };
}

function measure(corpus: ReturnType<typeof qualityCorpora>[number]): Row {
  const prepared = corpus.prepare(WORK, log);
  const modes = {} as Row['modes'];
  for (const mode of MODES) {
    const bundle = join(OUT, `${corpus.id}-${mode}.ferry`);
    log(`${corpus.id}: packing ${mode}`);
    const args = [CLI, 'pack', ...prepared.source, '-o', bundle, '--name', corpus.id, '--language', corpus.language];
    const pack = measureCommand('node', [...args, '--compression', mode]);
    const reads = readTimes(bundle);
    modes[mode] = {
      bytes: statSync(bundle).size,
      packSeconds: pack.seconds,
      packRssMB: pack.peakRssMB,
      firstPageMs: reads.first,
      warmPageMs: reads.warm,
    };
  }
  return {
    corpus: corpus.id,
    zim: sizeOf(join(QUALITY, `${corpus.id}.zim`)),
    zimWithoutIndex: sizeOf(join(QUALITY, `${corpus.id}-without-fulltext.zim`)),
    modes,
  };
}

function table(rows: Row[]): string {
  const kb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${Math.round(bytes / 1000)}`);
  const ratio = (bytes: number, zim: number | undefined) => (zim ? ` (${(bytes / zim).toFixed(2)})` : '');
  return [
    '| corpus | ZIM, KB | ZIM without full text | ferry compact, KB (ratio to ZIM) | ferry deflate | pack s, compact / deflate | first page ms, compact / deflate | next pages ms, compact / deflate |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => {
      const { compact, deflate } = row.modes;
      return (
        `| ${row.corpus} | ${kb(row.zim)} | ${kb(row.zimWithoutIndex)} | ${kb(compact.bytes)}${ratio(compact.bytes, row.zim)} | ` +
        `${kb(deflate.bytes)}${ratio(deflate.bytes, row.zim)} | ${compact.packSeconds.toFixed(1)} / ${deflate.packSeconds.toFixed(1)} | ` +
        `${compact.firstPageMs.toFixed(1)} / ${deflate.firstPageMs.toFixed(1)} | ${compact.warmPageMs.toFixed(2)} / ${deflate.warmPageMs.toFixed(2)} |`
      );
    }),
  ].join('\n');
}

function main(args: string[]): void {
  const chosen = args.flatMap((arg, i) => (arg === '--corpus' && args[i + 1] ? [args[i + 1]!] : []));
  mkdirSync(OUT, { recursive: true });
  const rows = qualityCorpora(REPO)
    .filter((corpus) => chosen.length === 0 || chosen.includes(corpus.id))
    .map(measure);
  const lines = table(rows);
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const file = join(REPO, 'bench/results', `${date}-bundle-size.json`);
  writeFileSync(file, JSON.stringify({ date, rows, table: lines }, null, 2) + '\n');
  process.stdout.write(`${lines}\n\nsaved ${file}\n`);
}

main(process.argv.slice(2));
