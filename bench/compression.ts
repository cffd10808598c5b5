/**
 * `npm run bench:compression [-- --corpus ID]...`: ways of compressing a bundle's text entries,
 * compared on the HTML that bench:quality left in bench/work/quality (the content of each
 * corpus's bundle), by bytes, time to compress, time to read one page, and bytes `ferry update`
 * fetches after 1% of the pages change. Designs:
 * - deflate per entry (zlib level 6): ferry's deflate mode;
 * - brotli per entry (quality 9);
 * - zstd per entry with ferry's dictionary (src/bundle/dictionary-builder.ts, level 9, WebAssembly):
 *   the compact mode, the dictionary counted;
 * - zstd per entry with a dictionary from `zstd --train`, level 19, Debian's zstd: what the best
 *   per-entry design would give, for scale (bytes only);
 * - zstd over clusters of 1 MB of entries in path order, level 9 (as ZIM stores pages): reading
 *   one page decodes its cluster, and one changed page changes its whole cluster.
 * Images and other compressed types are stored alike in every design and left out. Results go to
 * bench/results/<date>-compression.json.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, brotliDecompressSync, constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { compress, decompress } from '@bokuweb/zstd-wasm';
import { buildDictionary, dictionarySizeFor, spreadSample } from '../src/bundle/dictionary-builder.js';
import { compressWithDictionary, decompressWithDictionary, loadZstd } from '../src/bundle/zstd.js';
import { isPrecompressed, mediaTypeOf } from '../src/pack/media-type.js';
import { qualityCorpora } from './quality-corpora.js';
import { ensureTools } from './tools.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(REPO, 'bench/work/quality');
const WORK = join(REPO, 'bench/work/compression');
const ZSTD_LEVEL = 9;
const CLUSTER_BYTES = 1024 * 1024;
/** One page in this many is edited for the update figure, and read for the read time. */
const EDIT_EVERY = 100;
const READS = 200;
const log = (line: string) => process.stderr.write(`compression: ${line}\n`);

interface Text {
  path: string;
  data: Buffer;
}

interface DesignResult {
  bytes: number;
  compressSeconds: number | undefined;
  /** Median time to get one page's content from its stored bytes, in microseconds. */
  readMicros: number | undefined;
  updateBytes: number | undefined;
}

function filesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}

/** The same texts with every EDIT_EVERY-th one changed by a sentence, as a small new edition would. */
function edited(texts: Text[]): Text[] {
  return texts.map((text, i) => {
    if (i % EDIT_EVERY !== 0) return text;
    const html = text.data.toString('latin1');
    const at = html.indexOf('</p>') >= 0 ? html.indexOf('</p>') : Math.floor(html.length / 2);
    return {
      path: text.path,
      data: Buffer.from(html.slice(0, at) + ' This sentence is new.' + html.slice(at), 'latin1'),
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Compresses each text alone; the read time decodes READS pages spread over the corpus. */
function perEntry(
  texts: Text[],
  encode: (data: Buffer) => Buffer,
  decode: (stored: Buffer, size: number) => Buffer,
  fixedBytes = 0,
): DesignResult {
  const started = performance.now();
  const stored = texts.map((text) => encode(text.data));
  const compressSeconds = (performance.now() - started) / 1000;
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const n = Math.floor((i * texts.length) / READS);
    const begin = performance.now();
    decode(stored[n]!, texts[n]!.data.length);
    times.push((performance.now() - begin) * 1000);
  }
  const changed = edited(texts).filter((text, i) => text !== texts[i]);
  const updateBytes = changed.reduce((sum, text) => sum + encode(text.data).length, 0);
  const bytes = fixedBytes + stored.reduce((sum, data) => sum + data.length, 0);
  return { bytes, compressSeconds, readMicros: median(times), updateBytes };
}

/** Entries in path order cut into clusters of about CLUSTER_BYTES, as ZIM's writer does. */
function clustersOf(texts: Text[]): { data: Buffer; members: number[] }[] {
  const clusters: { data: Buffer; members: number[] }[] = [];
  let pending: Buffer[] = [];
  let members: number[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length > 0) clusters.push({ data: Buffer.concat(pending), members });
    pending = [];
    members = [];
    size = 0;
  };
  texts.forEach((text, i) => {
    pending.push(text.data);
    members.push(i);
    size += text.data.length;
    if (size >= CLUSTER_BYTES) flush();
  });
  flush();
  return clusters;
}

function clustered(texts: Text[]): DesignResult {
  const encode = (data: Buffer) => Buffer.from(compress(data, ZSTD_LEVEL));
  const started = performance.now();
  const clusters = clustersOf(texts).map((cluster) => ({ ...cluster, stored: encode(cluster.data) }));
  const compressSeconds = (performance.now() - started) / 1000;
  const clusterOf = new Map<number, Buffer>();
  for (const cluster of clusters) for (const member of cluster.members) clusterOf.set(member, cluster.stored);
  const times: number[] = [];
  for (let i = 0; i < READS; i++) {
    const stored = clusterOf.get(Math.floor((i * texts.length) / READS))!;
    const begin = performance.now();
    decompress(stored);
    times.push((performance.now() - begin) * 1000);
  }
  // An update fetches every cluster of the new edition whose bytes the old one lacks.
  const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');
  const old = new Set(clusters.map((cluster) => digest(cluster.data)));
  const updateBytes = clustersOf(edited(texts))
    .filter((cluster) => !old.has(digest(cluster.data)))
    .reduce((sum, cluster) => sum + encode(cluster.data).length, 0);
  const bytes = clusters.reduce((sum, cluster) => sum + cluster.stored.length, 0);
  return { bytes, compressSeconds, readMicros: median(times), updateBytes };
}

/** zstd's own trainer and level 19, with Debian's zstd: bytes only. */
function trainedByZstd(id: string, texts: Text[], dictionaryBytes: number): DesignResult {
  const work = join(WORK, id);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const list = join(work, 'text-files');
  writeFileSync(list, texts.map((text) => text.path).join('\n') + '\n');
  const dictionary = join(work, 'dictionary');
  execFileSync('zstd', ['-q', '--train', '--filelist', list, '-o', dictionary, `--maxdict=${dictionaryBytes}`]);
  const output = join(work, 'entries');
  execFileSync('zstd', ['-q', '-19', '-D', dictionary, '--filelist', list, '--output-dir-mirror', output]);
  const bytes = filesUnder(output).reduce((sum, path) => sum + statSync(path).size, statSync(dictionary).size);
  rmSync(work, { recursive: true, force: true });
  return { bytes, compressSeconds: undefined, readMicros: undefined, updateBytes: undefined };
}

interface Row {
  corpus: string;
  textEntries: number;
  textBytes: number;
  designs: Record<string, DesignResult>;
}

function measure(id: string): Row | undefined {
  const html = join(OUT, `${id}-html`, 'content');
  if (!existsSync(html)) return undefined;
  log(`${id}: measuring`);
  const texts: Text[] = [];
  for (const path of filesUnder(html)) {
    const data = readFileSync(path);
    if (!isPrecompressed(mediaTypeOf(path, data))) texts.push({ path, data });
  }
  const textBytes = texts.reduce((sum, text) => sum + text.data.length, 0);
  const dictionaryBytes = dictionarySizeFor(textBytes);
  const started = performance.now();
  const samples = spreadSample(texts, (text) => text.data.length).map((text) => text.data);
  const dictionary = buildDictionary(samples, dictionaryBytes);
  const buildSeconds = (performance.now() - started) / 1000;
  const compact = perEntry(
    texts,
    (data) => compressWithDictionary(data, dictionary, ZSTD_LEVEL),
    (stored, size) => {
      const result = decompressWithDictionary(stored, dictionary, size);
      if ('why' in result) throw new Error(result.why);
      return result.data;
    },
    dictionary.length,
  );
  compact.compressSeconds! += buildSeconds;
  return {
    corpus: id,
    textEntries: texts.length,
    textBytes,
    designs: {
      'deflate per entry': perEntry(
        texts,
        (data) => deflateRawSync(data, { level: 6 }),
        (stored) => inflateRawSync(stored),
      ),
      'brotli per entry': perEntry(
        texts,
        (data) => brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }),
        (stored) => brotliDecompressSync(stored),
      ),
      'zstd per entry, ferry dictionary (compact)': compact,
      'zstd per entry, zstd --train dictionary, level 19': trainedByZstd(id, texts, dictionaryBytes),
      'zstd clusters of 1 MB': clustered(texts),
    },
  };
}

function table(rows: Row[]): string {
  const names = Object.keys(rows[0]!.designs);
  const kb = (bytes: number) => `${Math.round(bytes / 1000)}`;
  const cell = (row: Row, name: string) => {
    const design = row.designs[name]!;
    const ratio = (design.bytes / row.designs['deflate per entry']!.bytes).toFixed(2);
    const parts = [`${kb(design.bytes)} (${ratio})`];
    if (design.compressSeconds !== undefined) parts.push(`${design.compressSeconds.toFixed(1)} s`);
    if (design.readMicros !== undefined) parts.push(`${Math.round(design.readMicros)} µs`);
    if (design.updateBytes !== undefined) parts.push(`${kb(design.updateBytes)} KB`);
    return parts.join(' · ');
  };
  return [
    `| corpus | text entries, KB | ${names.join(' | ')} |`,
    `| --- | ---: | ${names.map(() => '---:').join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| ${row.corpus} | ${row.textEntries}, ${kb(row.textBytes)} | ${names.map((name) => cell(row, name)).join(' | ')} |`,
    ),
  ].join('\n');
}

async function main(args: string[]): Promise<void> {
  ensureTools(log);
  await loadZstd();
  const chosen = args.flatMap((arg, i) => (arg === '--corpus' && args[i + 1] ? [args[i + 1]!] : []));
  const rows: Row[] = [];
  for (const corpus of qualityCorpora(REPO)) {
    if (chosen.length > 0 && !chosen.includes(corpus.id)) continue;
    const row = measure(corpus.id);
    if (row) rows.push(row);
  }
  if (rows.length === 0) throw new Error('no HTML in bench/work/quality: run npm run bench:quality first');
  const lines = table(rows);
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const file = join(REPO, 'bench/results', `${date}-compression.json`);
  writeFileSync(
    file,
    JSON.stringify({ date, zstdLevel: ZSTD_LEVEL, editEvery: EDIT_EVERY, rows, table: lines }, null, 2) + '\n',
  );
  process.stdout.write(
    `${lines}\n\nEach cell: KB of text entries (ratio to deflate per entry) · seconds to compress them · median time to ` +
      `decode one page (a cluster for clusters) · KB an update fetches after 1 page in ${EDIT_EVERY} changes.\nsaved ${file}\n`,
  );
}

await main(process.argv.slice(2));
