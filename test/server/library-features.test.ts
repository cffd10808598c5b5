import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSample, SAMPLE_SITE, serveLibrary, tempFolder } from '../helpers.js';

describe('the library server: languages, filters, catalog, ranges, caching', () => {
  let base: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const folder = await tempFolder();
    await packSample(folder);
    ({ base, close: stop } = await serveLibrary(folder));
  });
  afterAll(() => stop?.());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers });

  it('speaks the language the browser asks for, right to left for Arabic', async () => {
    const french = await (await get('/', { 'Accept-Language': 'fr-FR,fr;q=0.9' })).text();
    expect(french).toContain('<html lang="fr" dir="ltr">');
    expect(french).toContain('Bibliothèque');
    expect(french).toContain('Page au hasard');
    const arabic = await (await get('/search?q=surrogates', { 'Accept-Language': 'ar' })).text();
    expect(arabic).toContain('<html lang="ar" dir="rtl">');
    expect(arabic).toContain('النتائج');
    const response = await get('/', { 'Accept-Language': 'es' });
    expect(response.headers.get('vary')).toContain('Accept-Language');
    expect(await response.text()).toContain('Biblioteca');
  });

  it('lists the bundles with their manifests as JSON', async () => {
    const bundles = (await (await get('/api/bundles')).json()) as { name: string; bytes: number; mainPage: string }[];
    expect(bundles).toHaveLength(1);
    expect(bundles[0]).toMatchObject({ name: 'click_docs_en', mainPage: 'index.html' });
    expect(bundles[0]!.bytes).toBeGreaterThan(100_000);
  });

  it('explains a link that leaves the network, and only links http(s) onward', async () => {
    const page = await (await get('/external?url=' + encodeURIComponent('https://example.org/a?b=1&c=2'))).text();
    expect(page).toContain('<h1>This link leaves the local network</h1>');
    expect(page).toContain('href="https://example.org/a?b=1&amp;c=2" rel="noreferrer noopener"');
    const hostile = await (await get('/external?url=' + encodeURIComponent('javascript:alert(1)'))).text();
    expect(hostile).not.toContain('href="javascript:alert(1)"');
  });

  it('filters the library by language and tag with a plain form', async () => {
    expect(await (await get('/?lang=eng')).text()).toContain('Click 8.1 documentation');
    expect(await (await get('/?tag=cli')).text()).toContain('Click 8.1 documentation');
    const none = await (await get('/?lang=fra')).text();
    expect(none).not.toContain('<li class="card">');
    expect(none).toContain('No bundle matches these filters.');
    expect(none).toContain('<option value="eng">eng</option>');
    expect(none).toContain('<option value="cli">cli</option>');
  });

  it('publishes an OPDS catalog with download, illustration and language', async () => {
    const response = await get('/catalog/entries.xml');
    expect(response.headers.get('content-type')).toContain('application/atom+xml;profile=opds-catalog');
    const feed = await response.text();
    const script =
      'import sys, xml.etree.ElementTree as E\nroot = E.fromstring(sys.stdin.read())\nns = {"a": "http://www.w3.org/2005/Atom"}\nprint(len(root.findall("a:entry", ns)), root.find("a:entry/a:title", ns).text)';
    expect(execFileSync('python3', ['-c', script], { input: feed, encoding: 'utf8' }).trim()).toBe(
      '1 Click 8.1 documentation',
    );
    expect(feed).toMatch(
      /<link rel="http:\/\/opds-spec.org\/acquisition\/open-access" type="application\/zip" length="\d+" href="\/download\/click_docs_en"\/>/,
    );
    expect(feed).toMatch(
      /<link rel="http:\/\/opds-spec.org\/image\/thumbnail" type="image\/png" href="\/_ferry\/illustration\/click_docs_en\?v=[0-9a-f]{16}"\/>/,
    );
    expect(feed).toContain('<dc:language>eng</dc:language>');
    expect(await (await get('/catalog/entries.xml?lang=fra')).text()).not.toContain('<entry>');
  });

  it('answers Range requests for entries with 206, and 416 past the end', async () => {
    const png = await readFile(join(SAMPLE_SITE, '_static/click-logo.png'));
    const part = await get('/content/click_docs_en/_static/click-logo.png', { Range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${png.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(png.subarray(100, 200))).toBe(true);
    const page = await readFile(join(SAMPLE_SITE, 'index.html'));
    const tail = await get('/content/click_docs_en/index.html', { Range: 'bytes=-50', 'Accept-Encoding': 'identity' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(page.subarray(-50))).toBe(true);
    const beyond = await get('/content/click_docs_en/index.html', { Range: `bytes=${page.length}-` });
    expect(beyond.status).toBe(416);
  });

  it('links the viewer files by fingerprint and lets browsers keep them for a year', async () => {
    const html = await (await get('/')).text();
    const script = /src="(\/_ferry\/viewer\.js\?v=[^"]+)"/.exec(html)![1]!;
    const response = await get(script);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/_ferry/viewer.js?v=old')).headers.get('cache-control')).toBe('no-cache');
  });

  it("lets browsers keep an illustration for good when its URL carries the bundle's digest", async () => {
    const html = await (await get('/')).text();
    const image = /<img src="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    expect(image).toMatch(/^\/_ferry\/illustration\/click_docs_en\?v=[0-9a-f]{16}$/);
    expect((await get(image)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/_ferry/illustration/click_docs_en')).headers.get('cache-control')).toBe('public, max-age=3600');
  });
});

describe('a library-wide search over many bundles', () => {
  it('answers without Node warning of a listener leak', async () => {
    const folder = await tempFolder();
    const bundle = await packSample(folder);
    const { copyFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await Promise.all(Array.from({ length: 15 }, (_, i) => copyFile(bundle, join(folder, `copy-${i}.ferry`))));
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const served = await serveLibrary(folder);
    try {
      const response = await fetch(`${served.base}/api/search?q=option`);
      const body = (await response.json()) as { hits: { bundle: string }[] };
      expect(new Set(body.hits.map((hit) => hit.bundle)).size).toBeGreaterThan(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      await served.close();
    }
  });
});
