/**
 * `npm run bench:update [-- --corpus scipy-doc --percent 1]`: packs the corpus, then a copy in
 * which 1% of the pages (drawn with a fixed seed) have a sentence added, serves the new bundle
 * with `ferry serve`, and brings the old one up to it with `ferry update`: bytes fetched and time,
 * beside a whole download of the same file from the same server. Results go to
 * bench/results/<date>-update.json.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CORPORA, prepareCorpus } from './corpora.js';
import { measureCommand, startServer } from './processes.js';
import { seededRandom } from './random.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/src/cli/main.js');
const PORT = 8793;

function htmlPages(folder: string, prefix = ''): string[] {
  const pages: string[] = [];
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (entry.isDirectory()) pages.push(...htmlPages(folder, relative + '/'));
    else if (/\.html$/.test(entry.name)) pages.push(relative);
  }
  return pages.sort();
}

async function main(): Promise<void> {
  const argument = (name: string, fallback: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1]! : fallback;
  };
  const corpus = CORPORA.find((each) => each.id === argument('--corpus', 'scipy-doc'))!;
  const percent = Number(argument('--percent', '1'));
  const log = (line: string) => process.stderr.write(line + '\n');
  const prepared = prepareCorpus(corpus, WORK, log);
  const folder = join(WORK, `update-${corpus.id}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'served'), { recursive: true });

  log(`copying ${corpus.id} and editing ${percent}% of its pages`);
  const edited = join(folder, 'edited-site');
  cpSync(prepared.html, edited, { recursive: true });
  const pages = htmlPages(edited);
  const next = seededRandom(1);
  const chosen = new Set<string>();
  while (chosen.size < Math.max(1, Math.round((pages.length * percent) / 100))) {
    chosen.add(pages[Math.floor(next() * pages.length)]!);
  }
  for (const page of chosen) {
    const path = join(edited, page);
    const html = readFileSync(path, 'utf8');
    writeFileSync(path, html.replace('</body>', '<p>This page was revised for the update benchmark.</p></body>'));
  }

  const pack = (site: string, output: string, epoch: string) =>
    measureCommand('env', [
      `SOURCE_DATE_EPOCH=${epoch}`,
      'node',
      CLI,
      'pack',
      site,
      '-o',
      output,
      '--name',
      corpus.id.replace(/\W/g, '_'),
      '--language',
      corpus.language,
    ]);
  log('packing the old and the new edition');
  const oldBundle = join(folder, 'old.ferry');
  const newBundle = join(folder, 'served', 'new.ferry');
  pack(prepared.html, oldBundle, '1700000000');
  pack(edited, newBundle, '1700086400');

  const server = await startServer(
    'ferry serve',
    'node',
    [CLI, 'serve', join(folder, 'served'), '--port', String(PORT), '--host', '127.0.0.1'],
    PORT,
    '/',
  );
  try {
    const url = `http://127.0.0.1:${PORT}/download/${corpus.id.replace(/\W/g, '_')}`;
    const target = join(folder, 'updated.ferry');
    await copyFile(oldBundle, target);
    log('ferry update');
    const update = measureCommand('node', [CLI, 'update', target, url]);
    const fetched = /([\d.]+ [KMG]?B) fetched of/.exec(update.stderr)?.[1] ?? '?';
    log('whole download');
    // The update ran synchronously: the pooled connection of the readiness probe may have timed out
    // meanwhile, so a first failure is tried again on a new one.
    const download = async () => Buffer.from(await (await fetch(url)).arrayBuffer());
    await download().catch(() => undefined);
    const started = performance.now();
    const whole = await download();
    const downloadSeconds = (performance.now() - started) / 1000;
    const identical = readFileSync(target).equals(readFileSync(newBundle));
    const result = {
      date: new Date().toISOString().slice(0, 10),
      corpus: corpus.id,
      pages: pages.length,
      editedPages: chosen.size,
      bundleBytes: statSync(newBundle).size,
      update: { seconds: update.seconds, fetched, peakRssMB: update.peakRssMB, identical },
      wholeDownload: { seconds: downloadSeconds, bytes: whole.length },
    };
    mkdirSync(join(REPO, 'bench/results'), { recursive: true });
    const file = join(REPO, 'bench/results', `${result.date}-update.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(
      `${corpus.id}: ${chosen.size} of ${pages.length} pages edited; bundle ${(result.bundleBytes / 1e6).toFixed(1)} MB\n` +
        `ferry update: ${fetched} fetched, ${update.seconds.toFixed(1)} s, byte-identical: ${identical}\n` +
        `whole download: ${(whole.length / 1e6).toFixed(1)} MB, ${downloadSeconds.toFixed(2)} s (same server, loopback)\n` +
        `saved ${file}\n`,
    );
  } finally {
    await server.stop();
  }
}

await main();
