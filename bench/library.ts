/**
 * `npm run bench:library [-- --small 1000 --large 10]`: a library of many bundles, served by ferry
 * and by kiwix-serve side by side, as a school's Pi would hold it. Small bundles are three pages
 * of the Click sample site; large ones are python3.11-doc (from Debian, as `npm run bench`
 * fetches it). ferry serves copies of one file per size (the library names them apart); Kiwix
 * needs a ZIM of its own per book (one UUID each), made once with zimwriterfs and kept in
 * bench/work/library/. Measured for each: time from start to the first answer (the first start,
 * and the next, when ferry has the manifests it kept at the first as Kiwix has library.xml), RSS at rest,
 * RSS after loads spread over every bundle (pages, searches), and how long a new bundle takes to
 * be served and a removed one to be gone (ferry --watch; kiwix-serve --monitorLibrary).
 * Results go to bench/results/<date>-library.json.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPORA, ILLUSTRATION_FILE, prepareCorpus } from './corpora.js';
import { packZim } from './kiwix.js';
import { runWrk, type LoadResult } from './load.js';
import { rssMB, startServer, type RunningServer } from './processes.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work/library');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const SMALL_PAGES = ['index.html', 'quickstart.html', 'license.html'];

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface Book {
  /** Its name in URLs, as each server gives it. */
  name: string;
  page: string;
  term: string;
}

/** Three pages of the Click sample and its illustration: a small site to pack a thousand times. */
function smallSite(): string {
  const site = join(WORK, 'small-site');
  if (existsSync(site)) return site;
  mkdirSync(site, { recursive: true });
  for (const page of SMALL_PAGES) copyFileSync(join(REPO, 'samples/click-docs/site', page), join(site, page));
  copyFileSync(join(REPO, 'samples/click-docs/illustration-48.png'), join(site, ILLUSTRATION_FILE));
  return site;
}

function packFerry(folder: string, output: string, name: string): void {
  if (existsSync(output)) return;
  execFileSync('node', [CLI, 'pack', folder, '-o', output, '--name', name, '--language', 'eng'], { stdio: 'pipe' });
}

/** ferry's library folder: copies of one small and one large bundle; the extra one to add later. */
function ferryLibrary(small: number, large: number, largeHtml: string): { folder: string; extra: string } {
  const folder = join(WORK, `ferry-${small}-${large}`);
  mkdirSync(folder, { recursive: true });
  const smallBundle = join(WORK, 'small.ferry');
  const largeBundle = join(WORK, 'large.ferry');
  packFerry(smallSite(), smallBundle, 'small');
  packFerry(largeHtml, largeBundle, 'large');
  for (let i = 0; i < small; i++) {
    const copy = join(folder, `small-${String(i).padStart(4, '0')}.ferry`);
    if (!existsSync(copy)) copyFileSync(smallBundle, copy);
  }
  for (let i = 0; i < large; i++) {
    const copy = join(folder, `large-${String(i).padStart(2, '0')}.ferry`);
    if (!existsSync(copy)) copyFileSync(largeBundle, copy);
  }
  const extra = join(WORK, 'extra.ferry');
  packFerry(smallSite(), extra, 'extra_bundle');
  return { folder, extra };
}

function zimOnce(html: string, output: string, name: string, welcome: string): void {
  if (existsSync(output)) return;
  packZim(html, `${output}.tmp`, {
    name,
    language: 'eng',
    welcome,
    illustration: ILLUSTRATION_FILE,
    description: 'library bench',
    creator: 'ferry bench',
  });
  renameSync(`${output}.tmp`, output);
}

/** Kiwix's library: a ZIM per book, and library.xml (with and without the extra book) made by kiwix-manage. */
function kiwixLibrary(small: number, large: number, largeHtml: string): { xml: string; withExtra: string } {
  const zims = join(WORK, 'zims');
  mkdirSync(zims, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < small; i++) {
    const name = `small-${String(i).padStart(4, '0')}`;
    if (i % 100 === 0) log(`zimwriterfs: ${name}`);
    zimOnce(smallSite(), join(zims, `${name}.zim`), name, 'index.html');
    files.push(join(zims, `${name}.zim`));
  }
  for (let i = 0; i < large; i++) {
    const name = `large-${String(i).padStart(2, '0')}`;
    log(`zimwriterfs: ${name}`);
    zimOnce(largeHtml, join(zims, `${name}.zim`), name, 'index.html');
    files.push(join(zims, `${name}.zim`));
  }
  zimOnce(smallSite(), join(zims, 'extra.zim'), 'extra', 'index.html');
  const xml = join(WORK, `library-${small}-${large}.xml`);
  const withExtra = join(WORK, `library-${small}-${large}-extra.xml`);
  if (!existsSync(withExtra)) {
    rmSync(xml, { force: true });
    // kiwix-manage takes many ZIMs at once; in batches, to keep the command line short.
    for (let i = 0; i < files.length; i += 200) execFileSync('kiwix-manage', [xml, 'add', ...files.slice(i, i + 200)]);
    copyFileSync(xml, withExtra);
    execFileSync('kiwix-manage', [withExtra, 'add', join(zims, 'extra.zim')]);
  }
  return { xml, withExtra };
}

/** A wrk script that asks each of `paths` in turn. */
function spreadScript(name: string, paths: string[]): string {
  const script = join(WORK, `${name}.lua`);
  const list = paths.map((path) => `  ${JSON.stringify(path)},`).join('\n');
  writeFileSync(
    script,
    `local paths = {\n${list}\n}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`,
  );
  return script;
}

async function until(check: () => Promise<boolean>, limitMs = 120_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limitMs) return NaN;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (performance.now() - started) / 1000;
}

const answers = (url: string, status: number) => () =>
  fetch(url).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status === status;
    },
    () => false,
  );

interface Side {
  /** ferry: the first start, reading every bundle's manifest (Kiwix reads them from library.xml). */
  coldStartSeconds: number;
  startSeconds: number;
  idleRssMB: number;
  loadedRssMB: number;
  loads: Record<string, LoadResult>;
  addSeconds: number;
  removeSeconds: number;
}

interface ServerPlan {
  tool: 'ferry' | 'kiwix';
  start(): Promise<RunningServer>;
  books(server: RunningServer): Promise<Book[]>;
  pageUrl(book: Book): string;
  searchUrl(book: Book): string;
  add(): void;
  remove(): void;
  extraUrl: string;
}

async function measure(plan: ServerPlan): Promise<Side> {
  log(`${plan.tool}: starting`);
  // The first start (for ferry, without the manifests kept from the last one), then the one measured.
  const first = await plan.start();
  await first.stop();
  const server = await plan.start();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const side: Side = {
    coldStartSeconds: first.startSeconds,
    startSeconds: server.startSeconds,
    idleRssMB: rssMB(server.process.pid!),
    loadedRssMB: 0,
    loads: {},
    addSeconds: NaN,
    removeSeconds: NaN,
  };
  const books = await plan.books(server);
  log(`${plan.tool}: ${books.length} bundles, idle RSS ${side.idleRssMB.toFixed(1)} MB`);
  const load = { seconds: 15, connections: 16, threads: 2 };
  const scripts = {
    'pages of every bundle': spreadScript(`${plan.tool}-pages`, books.map(plan.pageUrl)),
    'searches in every bundle': spreadScript(`${plan.tool}-searches`, books.map(plan.searchUrl)),
  };
  for (const [label, script] of Object.entries(scripts)) {
    log(`${plan.tool}: ${label}`);
    side.loads[label] = await runWrk(`${server.base}/`, { ...load, script });
    if (!server.alive()) throw new Error(`${plan.tool} died under "${label}"`);
    side.loadedRssMB = Math.max(side.loadedRssMB, rssMB(server.process.pid!));
  }
  plan.add();
  side.addSeconds = await until(answers(server.base + plan.extraUrl, 200));
  plan.remove();
  side.removeSeconds = await until(answers(server.base + plan.extraUrl, 404));
  await server.stop();
  return side;
}

async function main(): Promise<void> {
  const small = flag('small', 1000);
  const large = flag('large', 10);
  mkdirSync(WORK, { recursive: true });
  // ferry keeps the bundles' manifests between starts in its cache folder: here, one of its own, emptied.
  process.env.XDG_CACHE_HOME = join(WORK, 'cache');
  rmSync(process.env.XDG_CACHE_HOME, { recursive: true, force: true });
  const corpus = prepareCorpus(CORPORA[0]!, join(REPO, 'bench/work'), log);
  const ferry = ferryLibrary(small, large, corpus.html);
  const kiwix = kiwixLibrary(small, large, corpus.html);
  const extraCopy = join(ferry.folder, 'extra.ferry');
  rmSync(extraCopy, { force: true });
  const liveXml = join(WORK, 'library-live.xml');
  copyFileSync(kiwix.xml, liveXml);
  const port = 8600;
  const sides = {
    ferry: await measure({
      tool: 'ferry',
      start: () =>
        startServer(
          'ferry',
          'node',
          [
            CLI,
            'serve',
            ferry.folder,
            '--port',
            String(port),
            '--host',
            '127.0.0.1',
            '--no-qr',
            '--watch',
            '--search-rate',
            '0',
          ],
          port,
          '/',
        ),
      books: async (server) => {
        const list = (await (await fetch(`${server.base}/api/bundles`)).json()) as {
          name: string;
          mainPage?: string;
        }[];
        return list.map((item) => ({
          name: item.name,
          page: 'index.html',
          term: item.name.startsWith('large') ? 'json' : 'click',
        }));
      },
      pageUrl: (book) => `/content/${book.name}/${book.page}`,
      searchUrl: (book) => `/api/search?bundle=${book.name}&q=${book.term}`,
      add: () => {
        copyFileSync(ferry.extra, `${extraCopy}.tmp`);
        renameSync(`${extraCopy}.tmp`, extraCopy);
      },
      remove: () => rmSync(extraCopy),
      extraUrl: '/content/extra_bundle/index.html',
    }),
    kiwix: await measure({
      tool: 'kiwix',
      start: () =>
        startServer(
          'kiwix-serve',
          'kiwix-serve',
          ['--port', String(port), '--address', '127.0.0.1', '--monitorLibrary', '--library', liveXml],
          port,
          '/',
        ),
      books: async () =>
        readdirSync(join(WORK, 'zims'))
          .filter((file) => file.endsWith('.zim') && file !== 'extra.zim')
          .map((file) => {
            const name = file.replace(/\.zim$/, '');
            return { name, page: 'index.html', term: name.startsWith('large') ? 'json' : 'click' };
          })
          .filter((book) =>
            book.name.startsWith('small') ? Number(book.name.slice(6)) < small : Number(book.name.slice(6)) < large,
          ),
      pageUrl: (book) => `/${book.name}/${book.page}`,
      searchUrl: (book) => `/search?content=${book.name}&pattern=${book.term}`,
      add: () => {
        copyFileSync(kiwix.withExtra, `${liveXml}.tmp`);
        renameSync(`${liveXml}.tmp`, liveXml);
      },
      remove: () => {
        copyFileSync(kiwix.xml, `${liveXml}.tmp`);
        renameSync(`${liveXml}.tmp`, liveXml);
      },
      extraUrl: '/extra/index.html',
    }),
  };
  const rows: [string, number, number][] = [
    ['first start: time to first answer (s)', sides.ferry.coldStartSeconds, sides.kiwix.coldStartSeconds],
    ['time to first answer (s)', sides.ferry.startSeconds, sides.kiwix.startSeconds],
    ['RSS at rest (MB)', sides.ferry.idleRssMB, sides.kiwix.idleRssMB],
    ['RSS after the loads (MB)', sides.ferry.loadedRssMB, sides.kiwix.loadedRssMB],
    ...Object.keys(sides.ferry.loads).flatMap((label): [string, number, number][] => [
      [
        `${label}: requests/s`,
        sides.ferry.loads[label]!.requestsPerSecond,
        sides.kiwix.loads[label]!.requestsPerSecond,
      ],
      [`${label}: errors`, sides.ferry.loads[label]!.errors, sides.kiwix.loads[label]!.errors],
    ]),
    ['new bundle served after (s)', sides.ferry.addSeconds, sides.kiwix.addSeconds],
    ['removed bundle gone after (s)', sides.ferry.removeSeconds, sides.kiwix.removeSeconds],
  ];
  console.log(`library of ${small} small and ${large} large bundles\n`);
  console.log('| measure | ferry | Kiwix |\n| --- | ---: | ---: |');
  for (const [measure, f, k] of rows) console.log(`| ${measure} | ${Number(f.toFixed(2))} | ${Number(k.toFixed(2))} |`);
  const file = join(REPO, 'bench/results', `${new Date().toISOString().slice(0, 10)}-library.json`);
  writeFileSync(file, JSON.stringify({ small, large, sides }, null, 2) + '\n');
  console.log(`\nresults: ${file.slice(REPO.length)}`);
}

await main();
