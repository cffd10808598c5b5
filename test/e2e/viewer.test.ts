import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSample, serveLibrary, tempFolder } from '../helpers.js';
import { launchChromium } from './browser.js';

describe('the viewer in Chromium', () => {
  let stopServer: () => Promise<void>;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const folder = await tempFolder();
    await packSample(folder);
    const served = await serveLibrary(folder);
    stopServer = served.close;
    base = served.base;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stopServer?.();
  });

  it('opens a bundle from the library, follows a link, and keeps a shareable address', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.click('text=Click 8.1 documentation');
    await page.waitForURL(`${base}/viewer/click_docs_en/index.html`);
    const frame = page.frameLocator('#content');
    await expect(frame.locator('h1').first().textContent()).resolves.toContain('Welcome to Click');

    await frame.locator('a[href="quickstart.html"]').first().click();
    await page.waitForURL(`${base}/viewer/click_docs_en/quickstart.html`);
    await expect(page.title()).resolves.toContain('Quickstart');

    await page.goBack();
    await page.waitForURL(`${base}/viewer/click_docs_en/index.html`);
    await page.close();
  });

  it('shows the images of a page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/viewer/click_docs_en/index.html`);
    const frame = page.frameLocator('#content');
    const logo = frame.locator('img[src$="click-logo.png"]').first();
    await logo.waitFor();
    await expect(logo.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).resolves.toBe(
      true,
    );
    await page.close();
  });

  it('a shared viewer address opens the same page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/viewer/click_docs_en/testing.html`);
    await expect(page.frameLocator('#content').locator('h1').first().textContent()).resolves.toContain(
      'Testing Click Applications',
    );
    await page.close();
  });

  it('searches from the top bar and opens a result', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/viewer/click_docs_en/index.html`);
    await page.fill('input[name="q"]', 'surrogates');
    await page.press('input[name="q"]', 'Enter');
    await page.waitForURL(/\/search\?/);
    await expect(page.locator('.results mark').first().textContent()).resolves.toMatch(/surrogate/i);
    await page.click('.results a >> nth=0');
    // The result opens the page at the section about the word, and the address keeps it.
    await page.waitForURL(`${base}/viewer/click_docs_en/unicode-support.html#surrogate-handling`);
    expect(await page.getAttribute('#content', 'src')).toBe(
      '/content/click_docs_en/unicode-support.html#surrogate-handling',
    );
    await page.close();
  });

  it('suggests titles while typing and opens the one picked', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/viewer/click_docs_en/index.html`);
    await page.locator('input[name="q"]').pressSequentially('testing cl', { delay: 20 });
    const option = page.locator('#suggestions option').first();
    await expect(option.getAttribute('value')).resolves.toBe(
      'Testing Click Applications — Click Documentation (8.1.x)',
    );
    await page.press('input[name="q"]', 'Enter'); // Typed, not picked: this searches.
    await page.waitForURL(/\/search\?/);
    const title = 'Testing Click Applications — Click Documentation (8.1.x)';
    await page.fill('input[name="q"]', title);
    await page.locator(`#suggestions option[value="${title}"]`).waitFor({ state: 'attached' });
    await page.press('input[name="q"]', 'Enter'); // The exact title of a suggestion opens its page.
    await page.waitForURL(`${base}/viewer/click_docs_en/testing.html`);
    await page.close();
  });

  it("keeps the viewer's own script and style under 30 KB gzipped", async () => {
    const page = await browser.newPage();
    const ownFiles: number[] = [];
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname.startsWith('/_ferry/viewer.'))
        ownFiles.push((await response.request().sizes()).responseBodySize);
    });
    await page.goto(`${base}/viewer/click_docs_en/index.html`);
    await page.waitForLoadState('networkidle');
    expect(ownFiles).toHaveLength(2);
    expect(ownFiles.reduce((sum, size) => sum + size, 0)).toBeLessThan(30 * 1024);
    await page.close();
  });

  it('works without JavaScript: library, reading, search and random page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.click('text=Click 8.1 documentation');
    await expect(page.frameLocator('#content').locator('h1').first().textContent()).resolves.toContain(
      'Welcome to Click',
    );
    await page.fill('input[name="q"]', 'pointless');
    await page.press('input[name="q"]', 'Enter');
    await page.waitForURL(/\/search\?/);
    await expect(page.locator('.results a').first().getAttribute('href')).resolves.toBe(
      '/viewer/click_docs_en/options.html',
    );
    await page.click('text=Random page');
    await page.waitForURL(/\/viewer\/click_docs_en\/.+/);
    await context.close();
  });

  it("breaks no rule of the server's content security policy on its own pages", async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(`${page.url()}: ${message.text()}`);
    });
    for (const path of [
      '/',
      '/viewer/click_docs_en/index.html',
      '/search?q=option',
      '/external?url=https%3A%2F%2Fexample.org%2F',
      '/viewer/click_docs_en/no-such-page.html',
    ]) {
      await page.goto(base + path);
      await page.waitForLoadState('load');
    }
    // The viewer's script runs under the policy: it suggests titles as before.
    await page.goto(`${base}/viewer/click_docs_en/index.html`);
    await page.frameLocator('#content').locator('h1').first().waitFor();
    await page.fill('input[name=q]', 'opt');
    await expect.poll(() => page.locator('#suggestions option').count()).toBeGreaterThan(0);
    // The external-link page's "go back" link goes back, without an inline javascript: URL.
    await page.goto(`${base}/external?url=https%3A%2F%2Fexample.org%2F`);
    await page.click('a.go-back');
    await page.waitForURL(`${base}/viewer/click_docs_en/index.html`);
    expect(refused).toEqual([]);
    await page.close();
  });
});
