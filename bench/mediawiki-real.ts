/**
 * `npm run bench:mediawiki-real [-- --cli <other ferry's main.js>] [-- --threads 2]`: packs every
 * real MediaWiki dump there is (`../shared/realdata/mediawiki/` and `test/fixtures/mediawiki-real/`)
 * and reports, per dump: pages per second, peak RSS, what became of the pages' template calls
 * (from the pack summary), and how many rendered pages still show wikitext to readers: `{{`, `}}`,
 * `{|` or `|}` in their visible text. `--cli` runs another build (an older commit) for a before and
 * after; `--threads 2` under `taskset -c 0,1` is the two-core figure. Results go to
 * bench/results/<date>-mediawiki-real.json.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bundle } from '../src/bundle/reader.js';
import { EntryKind } from '../src/bundle/path-index.js';
import { extractPageText } from '../src/pack/html-text.js';
import { measureCommand } from './processes.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work/mediawiki-real');
const SHARED = join(REPO, '../shared/realdata/mediawiki');
const FIXTURES = join(REPO, 'test/fixtures/mediawiki-real');

interface Dump {
  name: string;
  path: string;
  extra: string[];
}

function dumps(): Dump[] {
  const found: Dump[] = [];
  if (existsSync(SHARED)) {
    for (const folder of readdirSync(SHARED).sort()) {
      for (const file of readdirSync(join(SHARED, folder)))
        found.push({ name: folder, path: join(SHARED, folder, file), extra: [] });
    }
  }
  for (const file of readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.xml'))
    .sort()) {
    // Commons has no articles: its Creator (100) and Institution (106) pages are the content.
    const commons = file.startsWith('commons');
    const extra = commons ? ['--namespaces', '100,106', '--main', 'Creator:Leonardo da Vinci'] : [];
    found.push({ name: file.replace(/\.xml$/, ''), path: join(FIXTURES, file), extra });
  }
  return found;
}

const WIKITEXT_LEFT = /\{\{|\}\}|\{\||\|\}/;

/** Pages (not category lists) whose visible text still shows template or table wikitext. */
async function pagesShowingWikitext(path: string): Promise<{ pages: number; showing: number; examples: string[] }> {
  const bundle = await Bundle.open(path);
  let pages = 0;
  let showing = 0;
  const examples: string[] = [];
  try {
    for await (const record of bundle.records()) {
      if (record.kind !== EntryKind.Page || !record.name.startsWith('content/') || record.name.includes('/_/'))
        continue;
      const stored = await bundle.resolve(record.name);
      if (!stored || !('locator' in stored)) continue;
      // Formulas and code may hold braces of their own: only prose counts.
      const html = (await bundle.read(stored)).toString('utf8').replace(/<(pre|code)\b[^>]*>[\s\S]*?<\/\1>/g, '');
      const { text } = extractPageText(html);
      pages++;
      const match = WIKITEXT_LEFT.exec(text);
      if (match) {
        showing++;
        if (examples.length < 5)
          examples.push(`${record.name}: …${text.slice(Math.max(0, match.index - 40), match.index + 40)}…`);
      }
    }
  } finally {
    await bundle.close();
  }
  return { pages, showing, examples };
}

/** The template line of the pack summary: calls expanded, by ferry, as tables, dropped. */
function templateCalls(stderr: string): Record<string, number> | undefined {
  const line =
    /templates: ([\d,]+) in the dump; ([\d,]+) calls on pages: ([\d,]+) expanded, ([\d,]+) rendered by ferry, ([\d,]+) shown as a table of their parameters, ([\d,]+) dropped/.exec(
      stderr,
    );
  if (!line) return undefined;
  const [inDump, calls, expanded, hand, table, dropped] = line.slice(1).map((value) => Number(value.replace(/,/g, '')));
  return { inDump: inDump!, calls: calls!, expanded: expanded!, hand: hand!, table: table!, dropped: dropped! };
}

async function main(): Promise<void> {
  const option = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const cli = option('--cli') ?? join(REPO, 'dist/cli/ferry.mjs');
  const threads = option('--threads');
  const label = option('--label') ?? (option('--cli') ? 'other' : 'this');
  mkdirSync(WORK, { recursive: true });
  const results = [];
  for (const dump of dumps()) {
    const output = join(WORK, `${dump.name}-${label}.ferry`);
    rmSync(output, { force: true });
    const args = [cli, 'pack', '--kind', 'mediawiki', dump.path, '-o', output, ...dump.extra];
    if (threads) args.push('--threads', threads);
    const cost = threads
      ? measureCommand('taskset', [
          '-c',
          Array.from({ length: Number(threads) }, (_, core) => core).join(','),
          'node',
          ...args,
        ])
      : measureCommand('node', args);
    const articles = Number(/; (\d+) articles/.exec(cost.stderr)?.[1] ?? 0);
    const shown = await pagesShowingWikitext(output);
    const result = {
      dump: dump.name,
      bytes: statSync(dump.path).size,
      articles,
      seconds: cost.seconds,
      pagesPerSecond: articles / cost.seconds,
      peakRssMB: cost.peakRssMB,
      bundleBytes: statSync(output).size,
      templates: templateCalls(cost.stderr),
      pagesShowingWikitext: shown.showing,
      pagesChecked: shown.pages,
      examples: shown.examples,
    };
    results.push(result);
    const calls = result.templates;
    process.stdout.write(
      `${dump.name}: ${articles} articles in ${cost.seconds.toFixed(2)} s (${result.pagesPerSecond.toFixed(0)} pages/s), ` +
        `peak RSS ${cost.peakRssMB.toFixed(0)} MB; ` +
        (calls
          ? `${calls.inDump} templates, ${calls.calls} calls: ${calls.expanded} expanded, ${calls.hand} by ferry, ${calls.table} tables, ${calls.dropped} dropped; `
          : '') +
        `${shown.showing} of ${shown.pages} pages show {{ }} {| |}\n`,
    );
    for (const example of shown.examples) process.stdout.write(`    ${example.replace(/\s+/g, ' ')}\n`);
  }
  mkdirSync(join(REPO, 'bench/results'), { recursive: true });
  const file = join(
    REPO,
    'bench/results',
    `${new Date().toISOString().slice(0, 10)}-mediawiki-real-${label}${threads ? `-${threads}threads` : ''}.json`,
  );
  writeFileSync(file, JSON.stringify({ cli: label, threads: threads ?? 'all', results }, null, 2) + '\n');
  process.stdout.write(`saved ${file}\n`);
}

await main();
