/**
 * `npm run bench:reader [-- --corpus scipy-doc]`: packs the corpus and opens the bundle in the
 * standalone reader (dist/reader/ferry-reader.html, from file://) in headless Chromium: time from
 * picking the file to the main page shown, to a title suggestion and to a full-text search, and
 * the page's JavaScript heap. Results go to bench/results/<date>-reader.json.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { findOnPath } from '../src/find-on-path.js';
import { CORPORA, prepareCorpus } from './corpora.js';
import { measureCommand } from './processes.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WORK = join(REPO, 'bench/work');
const CLI = join(REPO, 'dist/cli/ferry.mjs');

async function main(): Promise<void> {
  const at = process.argv.indexOf('--corpus');
  const corpus = CORPORA.find((each) => each.id === (at > 0 ? process.argv[at + 1] : 'scipy-doc'))!;
  const prepared = prepareCorpus(corpus, WORK, (line) => process.stderr.write(line + '\n'));
  const bundle = join(WORK, `reader-${corpus.id}.ferry`);
  if (!existsSync(bundle))
    measureCommand('node', [CLI, 'pack', prepared.html, '-o', bundle, '--language', corpus.language]);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? findOnPath('chromium') ?? 'chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(REPO, 'dist/reader/ferry-reader.html')).href);
    const time = async (action: () => Promise<unknown>) => {
      const started = performance.now();
      await action();
      return (performance.now() - started) / 1000;
    };
    const firstPage = await time(async () => {
      await page.setInputFiles('#pick', bundle);
      await page.frameLocator('#page').locator('h1').first().waitFor();
    });
    const suggestion = await time(async () => {
      await page.fill('#suggest', corpus.searchTerm);
      await page.locator('#suggestions button').first().waitFor();
    });
    const search = await time(async () => {
      await page.fill('#search', corpus.searchTerm);
      await page.click('#search-form button');
      await page.locator('#results li').first().waitFor();
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const heapMB = metrics.find((metric) => metric.name === 'JSHeapUsedSize')!.value / 1024 / 1024;
    const result = {
      date: new Date().toISOString().slice(0, 10),
      corpus: corpus.id,
      bundleBytes: statSync(bundle).size,
      seconds: { firstPage, suggestion, search },
      jsHeapMB: heapMB,
    };
    mkdirSync(join(REPO, 'bench/results'), { recursive: true });
    const file = join(REPO, 'bench/results', `${result.date}-reader.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(
      `${corpus.id} (${(result.bundleBytes / 1e6).toFixed(1)} MB) in the standalone reader: first page ${firstPage.toFixed(2)} s, ` +
        `suggestion ${suggestion.toFixed(2)} s, search "${corpus.searchTerm}" ${search.toFixed(2)} s, JS heap ${heapMB.toFixed(1)} MB\nsaved ${file}\n`,
    );
  } finally {
    await browser.close();
  }
}

await main();
