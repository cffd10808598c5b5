import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, packSample, runCli, serveLibrary, tempFolder } from '../helpers.js';
import { launchChromium } from './browser.js';

const ARTIFACTS = join(REPO, 'test/artifacts');

/** A bundle whose page tries what a hostile page would: read the server's API, leave the network. */
async function packHostileSite(folder: string): Promise<void> {
  const site = join(folder, 'hostile-site');
  await mkdir(site);
  await writeFile(
    join(site, 'index.html'),
    `<!doctype html><html><head><title>Hostile</title></head><body>
<p id="result">pending</p><a id="out" href="https://example.org/elsewhere">elsewhere</a>
<script>
var viewer = 'unreachable';
try { viewer = parent.document.title; } catch (e) {}
fetch('/api/bundles').then(() => 'leaked', () => 'blocked').then((result) => {
  document.getElementById('result').textContent = result + ', viewer ' + viewer;
});
</script></body></html>`,
  );
  const run = await runCli([
    'pack',
    site,
    '-o',
    join(folder, 'hostile.ferry'),
    '--name',
    'hostile',
    '--language',
    'eng',
  ]);
  expect(run.code, run.stderr).toBe(0);
}

describe('the viewer keeps bundles in their place', () => {
  let browser: Browser;
  let base: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const folder = await tempFolder();
    await packSample(folder);
    await packHostileSite(folder);
    ({ base, close: stop } = await serveLibrary(folder));
    browser = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await stop?.();
  });

  it("stops a bundle's script from reading the server's API or reaching into the viewer", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/viewer/hostile/index.html`);
    const result = page.frameLocator('#content').locator('#result');
    await expect.poll(() => result.textContent()).toBe('blocked, viewer unreachable');
    await page.close();
  });

  it('shows where a link leads when it leaves the offline network', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/viewer/hostile/index.html`);
    await page.frameLocator('#content').locator('#out').click();
    await page.waitForURL(/\/external\?url=/);
    await expect(page.locator('h1').textContent()).resolves.toBe('This link leaves the local network');
    await expect(page.locator('main').textContent()).resolves.toContain('https://example.org/elsewhere');
    await page.screenshot({ path: join(ARTIFACTS, 'external-link.png') });
    await page.close();
  });

  it('works on a phone-sized screen: library, bundle, search, random, back', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-library.png'), fullPage: true });
    await page.click('text=Click 8.1 documentation');
    await page.waitForURL(/\/viewer\/click_docs_en\//);
    const frameBox = await page.locator('#content').boundingBox();
    expect(frameBox!.width).toBeGreaterThan(380);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-viewer.png') });
    await page.fill('input[name="q"]', 'surrogates');
    await page.press('input[name="q"]', 'Enter');
    await page.waitForURL(/\/search\?/);
    await page.screenshot({ path: join(ARTIFACTS, 'phone-search.png'), fullPage: true });
    await page.click('text=Random page');
    await page.waitForURL(/\/viewer\/click_docs_en\/.+/);
    await page.goBack();
    await page.waitForURL(/\/search\?/);
    await context.close();
  });

  it('keeps a screenshot of each main page on a desktop screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    for (const [name, path] of [
      ['library', '/'],
      ['viewer', '/viewer/click_docs_en/index.html'],
      ['search', '/search?q=prompt'],
      ['catalog-arabic', '/?lang=eng'],
    ] as const) {
      if (name === 'catalog-arabic') await page.setExtraHTTPHeaders({ 'Accept-Language': 'ar' });
      const response = await page.goto(base + path);
      expect(response?.status(), name).toBe(200);
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    }
    await page.close();
  });
});
