/**
 * `npm run bench:content-eval`: does any real page need 'unsafe-eval' in the policy its bundle is
 * served under? Packs sites of different makers (the Click sample: Sphinx with jQuery and
 * underscore; python3.11-doc: Sphinx 5; libjsoncpp-doc: Doxygen; libcanl-java-doc: Javadoc with
 * its search), serves each, and opens its pages in headless Chromium with 'unsafe-eval' taken out
 * of the content policy, counting the pages whose scripts were refused an eval. The results go to
 * bench/results/<date>-content-eval.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { findOnPath } from '../src/find-on-path.js';
import { EntryKind } from '../src/bundle/path-index.js';
import { Bundle } from '../src/bundle/reader.js';
import { createApp } from '../src/server/app.js';
import { Library } from '../src/server/library.js';
import { CORPORA, prepareCorpus, unpackDebianPackage } from './corpora.js';
import { measureCommand } from './processes.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/cli/ferry.mjs');
const PAGES_PER_SITE = 150;

interface Site {
  id: string;
  maker: string;
  folder: () => string;
  /** Pages that run the site's search, which is where scripts do the most. */
  extra: string[];
}

const log = (line: string) => process.stderr.write(line + '\n');

/** A page that calls eval: if the check does not see it refused, the check is broken. */
function controlSite(): string {
  const folder = join(WORK, 'content-eval-control-site');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'index.html'), '<title>eval</title><h1>eval</h1><script>eval("1 + 1")</script>');
  return folder;
}

const SITES: Site[] = [
  { id: 'control', maker: 'a page that calls eval', folder: controlSite, extra: [] },
  { id: 'click-docs', maker: 'Sphinx 4', folder: () => join(REPO, 'samples/click-docs/site'), extra: [] },
  {
    id: 'python3.11-doc',
    maker: 'Sphinx 5',
    folder: () => prepareCorpus(CORPORA[0]!, WORK, log).html,
    extra: ['search.html?q=json'],
  },
  {
    id: 'libjsoncpp-doc',
    maker: 'Doxygen',
    folder: () =>
      join(unpackDebianPackage('libjsoncpp-doc', WORK, 'libjsoncpp-doc', log), 'usr/share/doc/libjsoncpp-doc'),
    extra: [],
  },
  {
    id: 'libcanl-java-doc',
    maker: 'Javadoc',
    folder: () =>
      join(
        unpackDebianPackage('libcanl-java-doc', WORK, 'libcanl-java-doc', log),
        'usr/share/doc/libcanl-java/apidocs',
      ),
    extra: ['search.html?q=Certificate'],
  },
];

/** Every page of a bundle, or an even sample of them. */
async function pagesOf(path: string): Promise<string[]> {
  const bundle = await Bundle.open(path);
  const pages: string[] = [];
  for await (const record of bundle.records()) {
    if (record.kind === EntryKind.Page) pages.push(record.name.slice('content/'.length));
  }
  await bundle.close();
  const step = Math.max(1, pages.length / PAGES_PER_SITE);
  return Array.from({ length: Math.min(pages.length, PAGES_PER_SITE) }, (_, i) => pages[Math.floor(i * step)]!);
}

/** Opens each page with 'unsafe-eval' removed from its policy; returns the pages refused an eval. */
async function refusedEvals(page: Page, base: string, name: string, paths: string[]): Promise<string[]> {
  let current = '';
  const refused = new Set<string>();
  page.on('console', (message) => {
    if (/unsafe-eval|Refused to evaluate/i.test(message.text())) refused.add(current);
  });
  page.on('pageerror', (error) => {
    if (/EvalError|unsafe-eval/.test(error.message)) refused.add(current);
  });
  await page.route('**/content/**', async (route) => {
    const response = await route.fetch();
    const headers = response.headers();
    const policy = headers['content-security-policy'] ?? '';
    await route.fulfill({
      response,
      headers: { ...headers, 'content-security-policy': policy.replace(" 'unsafe-eval'", '') },
    });
  });
  for (const path of paths) {
    current = path;
    await page.goto(`${base}/content/${name}/${path}`, { waitUntil: 'load' }).catch(() => undefined);
    await page.waitForTimeout(150);
  }
  return [...refused];
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? findOnPath('chromium') ?? 'chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const results = [];
  try {
    for (const site of SITES) {
      const shelf = join(WORK, `content-eval-${site.id}`);
      mkdirSync(shelf, { recursive: true });
      const bundle = join(shelf, `${site.id}.ferry`);
      measureCommand('node', [CLI, 'pack', site.folder(), '-o', bundle, '--name', site.id.replace(/\./g, '_')]);
      const library = await Library.open([bundle]);
      const server = createServer(createApp(library));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const name = library.list()[0]!.name;
      const paths = [...(await pagesOf(bundle)), ...site.extra];
      const page = await browser.newPage();
      const refused = await refusedEvals(page, base, name, paths);
      await page.close();
      server.close();
      await library.close();
      results.push({ site: site.id, maker: site.maker, pagesOpened: paths.length, refusedEval: refused });
      log(
        `${site.id} (${site.maker}): ${paths.length} pages opened, ${refused.length} refused an eval ${refused.join(' ')}`,
      );
    }
  } finally {
    await browser.close();
  }
  const folder = join(REPO, 'bench/results');
  mkdirSync(folder, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(join(folder, `${date}-content-eval.json`), JSON.stringify({ date, results }, null, 2) + '\n');
}

await main();
