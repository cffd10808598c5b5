import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Frame, FrameLocator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, serveLibrary, tempFolder } from '../helpers.js';
import { launchChromium } from './browser.js';

const WACZ = join(REPO, 'test/fixtures/warc/webrecorder-net.wacz');
const READER = pathToFileURL(join(REPO, 'dist/reader/ferry-reader.html')).href;

/** What a reader sees of the captured page: its images drawn, its style sheets and web font applied. */
async function looks(frame: Frame | FrameLocator) {
  const body = frame.locator('body');
  await frame.locator('img').first().waitFor();
  return body.evaluate(async (element) => {
    const document = element.ownerDocument;
    await document.fonts.ready;
    const images = Array.from(document.images).filter((image) => image.getAttribute('src') !== '');
    await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
    return {
      images: images.length,
      drawn: images.filter((image) => image.naturalWidth > 0).length,
      styleSheets: document.styleSheets.length,
      font: getComputedStyle(element).fontFamily,
      fontLoaded: document.fonts.check('16px "Source Sans Pro"'),
    };
  });
}

describe('a captured site in Chromium, packed from a real WACZ', () => {
  let browser: Browser;
  let bundle: string;
  let server: { base: string; close: () => Promise<void> };

  beforeAll(async () => {
    const folder = await tempFolder();
    bundle = join(folder, 'webrecorder.ferry');
    const run = await runCli(['pack', '--kind', 'warc', WACZ, '-o', bundle, '--name', 'webrecorder']);
    if (run.code !== 0) throw new Error(run.stderr);
    server = await serveLibrary(folder);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens in the server with its images, style sheets and web font, every link to a capture found', async () => {
    const page = await browser.newPage();
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(server.base) && response.status() >= 400) missing.push(response.url());
    });
    await page.goto(`${server.base}/content/webrecorder/webrecorder.net/index.html`);
    const seen = await looks(page.mainFrame());
    expect(seen.images).toBeGreaterThanOrEqual(5);
    expect(seen.drawn).toBe(seen.images);
    expect(seen.styleSheets).toBeGreaterThanOrEqual(3);
    expect(seen.font).toContain('Source Sans Pro');
    expect(seen.fontLoaded).toBe(true);
    expect(missing).toEqual([]);
    await page.screenshot({ path: join(REPO, 'test/artifacts/warc-server.png') });
    await page.close();
  });

  it('opens in the standalone reader from file:// the same way', async () => {
    const page = await browser.newPage();
    await page.goto(READER);
    await page.setInputFiles('#pick', [bundle]);
    const frame = page.frameLocator('#page');
    await expect.poll(() => page.getAttribute('#page', 'data-path')).toBe('webrecorder.net/index.html');
    expect(await frame.locator('#wr-slogan').textContent()).toContain('Web archiving for all!');
    const seen = await looks(frame);
    expect(seen.images).toBeGreaterThanOrEqual(5);
    expect(seen.drawn).toBe(seen.images);
    expect(seen.styleSheets).toBeGreaterThanOrEqual(3);
    expect(seen.fontLoaded).toBe(true);
    await page.screenshot({ path: join(REPO, 'test/artifacts/warc-reader.png') });
    await page.close();
  });
});
