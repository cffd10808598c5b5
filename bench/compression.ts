/**
 * `npm run bench:compression [-- --corpus ID]...`: how small each corpus of bench:quality would be
 * under other ways of compressing entries that still open one at a time, beside ferry's deflate
 * per entry and Kiwix's ZIM, from the HTML bench:quality left in bench/work/quality. Designs:
 * deflate per entry (today), brotli per entry, zstd per entry, zstd per entry with a dictionary
 * trained on the corpus's own text entries (`zstd --train`, the dictionary counted; 110 KB, or 1/64
 * of the text up to that), and zstd
 * over clusters of about 1 MB of entries in path order (as ZIM does; reading one entry then
 * means inflating its cluster). Text entries only are compressed; images and other compressed
 * types are stored alike in every design. zstd at level 19, as ZIM's writer uses. Results go to
 * bench/results/<date>-compression.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import { isPrecompressed, mediaTypeOf } from '../src/pack/media-type.js';
import { qualityCorpora } from './quality-corpora.js';
import { ensureTools } from './tools.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(REPO, 'bench/work/quality');
const WORK = join(REPO, 'bench/work/compression');
const ZSTD_LEVEL = '-19';
const CLUSTER_BYTES = 1024 * 1024;
/** zstd's own default dictionary size (110 KB). */
const DICTIONARY_BYTES = 112_640;
const log = (line: string) => process.stderr.write(`compression: ${line}\n`);

function filesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}

/** Total size of the files zstd wrote under `folder`. */
function bytesUnder(folder: string): number {
  return filesUnder(folder).reduce((sum, path) => sum + statSync(path).size, 0);
}

function zstdEach(list: string, output: string, extra: string[] = []): number {
  rmSync(output, { recursive: true, force: true });
  execFileSync('zstd', ['-q', ZSTD_LEVEL, ...extra, '--filelist', list, '--output-dir-mirror', output]);
  return bytesUnder(output);
}

interface Row {
  corpus: string;
  textEntries: number;
  textBytes: number;
  storedBytes: number;
  designs: Record<string, number>;
  zim: number | undefined;
}

function measure(id: string): Row | undefined {
  const html = join(OUT, `${id}-html`, 'content');
  if (!existsSync(html)) return undefined;
  log(`${id}: measuring`);
  const work = join(WORK, id);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const text: string[] = [];
  let storedBytes = 0;
  let textBytes = 0;
  let deflate = 0;
  let brotli = 0;
  for (const path of filesUnder(html)) {
    const data = readFileSync(path);
    if (isPrecompressed(mediaTypeOf(path, data))) {
      storedBytes += data.length;
      continue;
    }
    text.push(path);
    textBytes += data.length;
    deflate += deflateRawSync(data, { level: 6 }).length;
    brotli += brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }).length;
  }
  const list = join(work, 'text-files');
  writeFileSync(list, text.join('\n') + '\n');
  const zstd = zstdEach(list, join(work, 'zstd'));
  const trained = (name: string, size: number) => {
    const dictionary = join(work, name);
    execFileSync('zstd', ['-q', '--train', '--filelist', list, '-o', dictionary, `--maxdict=${size}`]);
    return zstdEach(list, join(work, `${name}-entries`), ['-D', dictionary]) + statSync(dictionary).size;
  };
  const withDictionary = trained('dictionary', DICTIONARY_BYTES);
  // A small corpus cannot pay for a large dictionary: one of about 1/64 of its text, 110 KB at most.
  const scaledDictionary = trained(
    'scaled-dictionary',
    Math.max(4096, Math.min(DICTIONARY_BYTES, Math.round(textBytes / 64))),
  );

  let clusters = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0) return;
    clusters += execFileSync('zstd', ['-q', ZSTD_LEVEL, '-c'], {
      input: Buffer.concat(pending),
      maxBuffer: 1 << 30,
    }).length;
    pending = [];
    pendingBytes = 0;
  };
  for (const path of text) {
    const data = readFileSync(path);
    pending.push(data);
    pendingBytes += data.length;
    if (pendingBytes >= CLUSTER_BYTES) flush();
  }
  flush();
  const zim = join(OUT, `${id}.zim`);
  log(`${id}: ${text.length} text entries in ${relative(REPO, html)}`);
  return {
    corpus: id,
    textEntries: text.length,
    textBytes,
    storedBytes,
    designs: {
      'deflate per entry': deflate,
      'brotli per entry': brotli,
      'zstd per entry': zstd,
      'zstd per entry, dictionary': withDictionary,
      'zstd per entry, dictionary of 1/64 of the text': scaledDictionary,
      'zstd clusters of 1 MB': clusters,
    },
    zim: existsSync(zim) ? statSync(zim).size : undefined,
  };
}

function main(args: string[]): void {
  ensureTools(log);
  const chosen = args.flatMap((arg, i) => (arg === '--corpus' && args[i + 1] ? [args[i + 1]!] : []));
  const rows: Row[] = [];
  for (const corpus of qualityCorpora(REPO)) {
    if (chosen.length > 0 && !chosen.includes(corpus.id)) continue;
    const row = measure(corpus.id);
    if (row) rows.push(row);
  }
  if (rows.length === 0) throw new Error('no HTML in bench/work/quality: run npm run bench:quality first');
  const names = Object.keys(rows[0]!.designs);
  const kb = (bytes: number) => `${Math.round(bytes / 1000)}`;
  const lines = [
    `| corpus | text entries, KB raw | ${names.join(' | ')} | ZIM (whole file) |`,
    `| --- | ---: | ${names.map(() => '---:').join(' | ')} | ---: |`,
    ...rows.map((row) => {
      const deflate = row.designs['deflate per entry']!;
      const cells = names.map((name) => {
        const bytes = row.designs[name]!;
        return `${kb(bytes)} (${(bytes / deflate).toFixed(2)})`;
      });
      return `| ${row.corpus} | ${row.textEntries}, ${kb(row.textBytes)} | ${cells.join(' | ')} | ${row.zim === undefined ? 'n/a' : kb(row.zim)} |`;
    }),
  ];
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const file = join(REPO, 'bench/results', `${date}-compression.json`);
  writeFileSync(file, JSON.stringify({ date, zstdLevel: ZSTD_LEVEL, rows, table: lines.join('\n') }, null, 2) + '\n');
  process.stdout.write(
    `${lines.join('\n')}\n\nKB of text entries (ratio to deflate per entry); stored entries are alike in every design.\nsaved ${file}\n`,
  );
}

main(process.argv.slice(2));
