/**
 * `npm run bench:mirrors [-- --rate 2]`: one bundle (python3.11-doc, packed as npm run bench
 * does) fetched by `ferry mirror`'s piece download from one, two and three sources on 127.0.0.1,
 * each throttled to --rate MB/s as a slow uplink would be; then from three of which one lies
 * and one is four times slower, beside the good one alone. Results go to
 * bench/results/<date>-mirrors.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, prepareCorpus } from './corpora.js';
import { faultServer, type Fault, type FaultServer } from './fault-servers.js';
import { downloadPieces } from '../src/distribute/fetch/download-pieces.js';
import { Source } from '../src/distribute/fetch/source.js';
import { hashFile, pieceLengthFor } from '../src/distribute/pieces.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work/mirrors');
const CLI = join(REPO, 'dist/cli/ferry.mjs');

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

interface Row {
  case: string;
  seconds: number;
  megabytesPerSecond: number;
  /** Pieces each source sent, or why it was dropped. */
  sources: string[];
}

async function run(
  label: string,
  file: Buffer,
  faults: Fault[],
  layout: Parameters<typeof downloadPieces>[0],
): Promise<Row> {
  const servers: FaultServer[] = await Promise.all(faults.map((fault) => faultServer(file, fault)));
  const part = join(WORK, 'copy.part');
  rmSync(part, { force: true });
  try {
    const sources = servers.map((server) => new Source(server.url));
    const summary = await downloadPieces(layout, sources, part);
    if (!readFileSync(part).equals(file)) throw new Error(`${label}: the copy differs`);
    process.stderr.write(`${label}: ${summary.seconds.toFixed(2)} s\n`);
    return {
      case: label,
      seconds: summary.seconds,
      megabytesPerSecond: file.length / 1e6 / summary.seconds,
      sources: sources.map((source) => source.dropped ?? `${source.pieces} pieces`),
    };
  } finally {
    await Promise.all(servers.map((server) => server.close()));
  }
}

async function main(): Promise<void> {
  const rate = flag('rate', 2) * 1e6;
  mkdirSync(WORK, { recursive: true });
  const corpus = prepareCorpus(CORPORA[0]!, join(REPO, 'bench/work'), (line) => process.stderr.write(`${line}\n`));
  const bundle = join(WORK, 'python3.11-doc.ferry');
  if (!existsSync(bundle)) execFileSync('node', [CLI, 'pack', corpus.html, '-o', bundle], { stdio: 'pipe' });
  const file = readFileSync(bundle);
  const pieceLength = pieceLengthFor(file.length);
  const hashes = await hashFile(bundle, statSync(bundle).size, pieceLength);
  const layout = { size: file.length, pieceLength, pieceHashes: hashes.sha256Pieces };
  const throttled: Fault = { bytesPerSecond: rate };
  const every = Array.from({ length: layout.pieceHashes.length }, (_, i) => i);
  const rows = [
    await run('one source', file, [throttled], layout),
    await run('two sources', file, [throttled, throttled], layout),
    await run('three sources', file, [throttled, throttled, throttled], layout),
    await run(
      'three: one good, one lying, one 4× slower',
      file,
      [throttled, { corrupt: { pieceLength, pieces: every } }, { bytesPerSecond: rate / 4 }],
      layout,
    ),
  ];
  const mb = (file.length / 1e6).toFixed(1);
  console.log(
    `${mb} MB in ${layout.pieceHashes.length} pieces of ${pieceLength / 1024} KB; each source ${rate / 1e6} MB/s\n`,
  );
  console.log('| sources | seconds | MB/s | each source |\n| --- | ---: | ---: | --- |');
  for (const row of rows) {
    console.log(
      `| ${row.case} | ${row.seconds.toFixed(2)} | ${row.megabytesPerSecond.toFixed(2)} | ${row.sources.join('; ')} |`,
    );
  }
  const out = join(REPO, 'bench/results', `${new Date().toISOString().slice(0, 10)}-mirrors.json`);
  writeFileSync(out, JSON.stringify({ bytes: file.length, pieceLength, rate, rows }, null, 2) + '\n');
  console.log(`\nresults: ${out.slice(REPO.length)}`);
}

await main();
