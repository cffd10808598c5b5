import { createReadStream, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { readCaptures } from '../../src/sources/warc/captures.js';
import { pageText, REPO, runCli, serveLibrary, tempFolder, type CliRun } from '../helpers.js';

const FIXTURES = join(REPO, 'test/fixtures/warc');
const WACZ = join(FIXTURES, 'webrecorder-net.wacz');
const FIRST_CRAWL = join(FIXTURES, 'heritrix-data-gov-uk-1.warc.gz');
const SECOND_CRAWL = join(FIXTURES, 'heritrix-data-gov-uk-2.warc.gz');
const WGET = join(FIXTURES, 'wget-archive-org.warc.gz');

function pack(sources: string[], output: string, extra: string[] = []): Promise<CliRun> {
  return runCli(['pack', '--kind', 'warc', ...sources, '-o', output, ...extra], { SOURCE_DATE_EPOCH: '1700000000' });
}

/** The response body of a URL in a WARC, as the browser saw it. */
async function capturedBody(path: string, url: string): Promise<Buffer> {
  const input = { label: path, size: 0, open: async () => createReadStream(path) };
  for await (const capture of readCaptures(input, { wantBody: () => true })) {
    if (capture.url === url && capture.kind === 'response') return capture.body;
  }
  throw new Error(`${url} is not captured in ${path}`);
}

/** The values of an attribute on a page, as written. */
function attributes(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((match) => match[1]!);
}

describe('ferry pack --kind warc, on archives real crawlers wrote', () => {
  let folder: string;
  let runs: Record<'wacz' | 'crawls' | 'wget', CliRun>;
  let server: { base: string; close: () => Promise<void> };

  beforeAll(async () => {
    folder = await tempFolder();
    const library = join(folder, 'library');
    await mkdir(library);
    runs = {
      wacz: await pack([WACZ], join(library, 'webrecorder.ferry')),
      crawls: await pack([FIRST_CRAWL, SECOND_CRAWL], join(library, 'gov.ferry'), ['--name', 'gov']),
      wget: await pack([WGET], join(library, 'archive.ferry'), ['--name', 'archive']),
    };
    server = await serveLibrary(library);
  });
  afterAll(() => server?.close());

  const get = (path: string) => fetch(`${server.base}/content/${path}`, { redirect: 'manual' });

  it('packs each archive and says what it left out and why', () => {
    for (const run of Object.values(runs)) expect(run.code, run.stderr).toBe(0);
    expect(runs.crawls.stderr).toMatch(
      /124 captures \(left out: 58 older captures of a URL, 8 not 2xx or 3xx, 6 not HTTP/,
    );
  });

  it("opens a WACZ's first listed page with its style sheets, fonts and images", async () => {
    const main = await fetch(`${server.base}/content/webrecorder/`);
    expect(main.url).toMatch(/\/content\/webrecorder\/webrecorder\.net\/index\.html$/);
    const html = await main.text();
    expect(html).toContain('Web archiving for all!');
    const links = [
      ...attributes(html, 'href').filter((href) => href.endsWith('.css') || href.includes('fonts.googleapis')),
      ...attributes(html, 'src').filter((src) => /\.(png|svg)$/.test(src)),
    ];
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const link of links) {
      expect(link).not.toMatch(/^https?:/); // captured: a path in the bundle, not the web
      const asset = await fetch(new URL(link, main.url));
      expect(asset.status, link).toBe(200);
      expect(asset.headers.get('content-type'), link).toMatch(/^(text\/css|image\/(png|svg\+xml))/);
    }
    // A web font, linked from a captured Google Fonts style sheet on another host.
    const fontCss = links.find((link) => link.includes('fonts.googleapis'))!;
    const css = await (await fetch(new URL(fontCss, main.url))).text();
    // ArchiveWeb.page captured the fonts the page used; the others stay links to the web.
    const font = [...css.matchAll(/url\(([^)]+\.woff2)\)/g)]
      .map((match) => match[1]!)
      .find((url) => !url.startsWith('http'))!;
    const fontResponse = await fetch(new URL(font, new URL(fontCss, main.url)));
    expect(fontResponse.status).toBe(200);
    expect(fontResponse.headers.get('content-type')).toBe('font/woff2');
  });

  it("leads a captured page's links to other captured pages, and others to the web", async () => {
    const html = await (await get('gov/data.gov.uk/index.html')).text();
    const hrefs = attributes(html, 'href');
    expect(hrefs).toContain('about');
    expect((await get('gov/data.gov.uk/about')).status).toBe(200);
    expect(hrefs.some((href) => href.startsWith('http://') || href.startsWith('https://'))).toBe(true);
    // Nothing left pointing at the server's root, as the site's own root-relative links did
    // (comments, such as IE's conditional ones, are left as written).
    const markup = html.replace(/<!--[\s\S]*?-->/g, '');
    const links = [...attributes(markup, 'href'), ...attributes(markup, 'src')];
    expect(links.filter((link) => link.startsWith('/'))).toEqual([]);
  });

  it('serves a revisit record with the payload it repeats, from the other crawl', async () => {
    // Captured in the first crawl; the second, the latest, holds only a revisit of it.
    const bundle = await Bundle.open(join(folder, 'library', 'gov.ferry'));
    try {
      const names: string[] = [];
      for await (const record of bundle.records())
        if (record.name.includes('Harvey-Lewis5016sf.jpg')) names.push(record.name);
      expect(names).toHaveLength(1);
      const url = `http://${names[0]!.slice('content/'.length)}`;
      const original = await capturedBody(FIRST_CRAWL, url);
      expect(original.subarray(0, 3).toString('hex')).toBe('ffd8ff'); // a JPEG
      expect((await bundle.read((await bundle.resolve(names[0]!))!)).equals(original)).toBe(true);
    } finally {
      await bundle.close();
    }
    // The second crawl alone holds only revisits of it: they are counted, not packed empty.
    const alone = await pack([SECOND_CRAWL], join(folder, 'second.ferry'));
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr).toMatch(/\d+ revisits whose payload is not in the archive/);
  });

  it('follows redirects: one of a crawl, and a chain across hosts', async () => {
    const redirect = await get('gov/data.gov.uk/data');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/\/content\/gov\/data\.gov\.uk\/data\/search$/);
    // www.archive.org → archive.org/ → archive.org/index.php … as wget followed them.
    const chain = await fetch(`${server.base}/content/archive/www.archive.org/index.html`);
    expect(chain.status).toBe(200);
    expect(chain.url).toMatch(/\/content\/archive\/archive\.org\//);
    expect(await chain.text()).toContain('Internet Archive');
  });

  it('indexes the pages for search', async () => {
    const response = await fetch(
      `${server.base}/api/search?q=${encodeURIComponent('statistical thinking citizenship')}`,
    );
    const { hits } = (await response.json()) as { hits: { bundle: string; path: string }[] };
    expect(hits[0]).toMatchObject({ bundle: 'gov' });
    expect(hits[0]!.path).toContain('open-data-case-studies');
  });

  it('keeps the capture nearest --at instead of the latest', async () => {
    const output = join(folder, 'at.ferry');
    const run = await pack([FIRST_CRAWL, SECOND_CRAWL], output, ['--at', '2014-03-25T12:15:00Z']);
    expect(run.code, run.stderr).toBe(0);
    const bundle = await Bundle.open(output);
    const latest = await Bundle.open(join(folder, 'library', 'gov.ferry'));
    try {
      // data.gov.uk/about was captured by both crawls; the two differ in a form token.
      expect(await pageText(bundle, 'data.gov.uk/about')).toContain('YIIz6UxvI6BWJT8Zig328CAAfr74kLqiyF88hTk0tas');
      expect(await pageText(latest, 'data.gov.uk/about')).toContain('mmCeBdSArfEToNVgMAWsKJjD1B0c8liSSShJnkw26Rc');
    } finally {
      await bundle.close();
      await latest.close();
    }
  });

  it('reads a whole-file gzip WARC as well', async () => {
    const output = join(folder, 'example.ferry');
    const run = await pack([join(FIXTURES, 'whole-file-gzip-example-com.warc.gz')], output);
    expect(run.code, run.stderr).toBe(0);
    const bundle = await Bundle.open(output);
    try {
      expect(await pageText(bundle, 'example.com/index.html')).toContain('This domain is established to be used');
    } finally {
      await bundle.close();
    }
  });
});

describe('ferry pack --kind warc, on a damaged archive', () => {
  it('names the file and the byte offset, writes nothing, and with --partial packs what is whole', async () => {
    const folder = await tempFolder();
    // Cut short inside a record, as an interrupted copy leaves it.
    const bytes = await readFile(WGET);
    const cut = join(folder, 'cut.warc.gz');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    const output = join(folder, 'cut.ferry');
    const failed = await pack([cut], output);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(
      /cut\.warc\.gz" is damaged at byte \d+ of its data after gzip is undone \(record \d+\): .*Nothing was written\. Give --partial/,
    );
    expect(existsSync(output)).toBe(false);
    expect((await readdir(folder)).filter((name) => name !== 'cut.warc.gz')).toEqual([]);

    const partial = await pack([cut], output, ['--partial']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/warning: .*is damaged at byte \d+.*packing the \d+ records before it/);
    expect(existsSync(output)).toBe(true);
  });

  it('refuses a record overwritten with other bytes, naming where', async () => {
    const folder = await tempFolder();
    const plain = gunzipSync(await readFile(WGET));
    const at = plain.indexOf('WARC/1.0', 5000);
    plain.write('GARBAGE!', at, 'latin1');
    const damaged = join(folder, 'damaged.warc');
    await writeFile(damaged, plain);
    const run = await pack([damaged], join(folder, 'out.ferry'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`damaged.warc" is damaged at byte`);
    expect(existsSync(join(folder, 'out.ferry'))).toBe(false);
  });

  it('refuses a record whose Content-Length says less than it holds', async () => {
    const folder = await tempFolder();
    const plain = gunzipSync(await readFile(WGET)).toString('latin1');
    const at = plain.indexOf('Content-Length: ', plain.indexOf('WARC-Type: response'));
    const length = /Content-Length: (\d+)/.exec(plain.slice(at))![1]!;
    const shortened = `${plain.slice(0, at)}Content-Length: ${Number(length) - 50}${plain.slice(at + 16 + length.length)}`;
    await writeFile(join(folder, 'short.warc'), Buffer.from(shortened, 'latin1'));
    const run = await pack([join(folder, 'short.warc')], join(folder, 'out.ferry'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('short.warc" is damaged at byte');
  });

  it('refuses gzip data that does not check out: a flipped byte, junk after the last record', async () => {
    const folder = await tempFolder();
    const flipped = Buffer.from(await readFile(FIRST_CRAWL));
    flipped[100_000] = flipped[100_000]! ^ 0xff;
    await writeFile(join(folder, 'flipped.warc.gz'), flipped);
    const junk = Buffer.concat([await readFile(WGET), Buffer.from('junk after the end')]);
    await writeFile(join(folder, 'junk.warc.gz'), junk);
    for (const name of ['flipped.warc.gz', 'junk.warc.gz']) {
      const run = await pack([join(folder, name)], join(folder, 'out.ferry'));
      expect(run.code, name).not.toBe(0);
      expect(run.stderr).toContain(`${name}" is damaged at byte`);
      expect(existsSync(join(folder, 'out.ferry'))).toBe(false);
    }
  });

  it('refuses a WACZ whose entry does not match its CRC-32', async () => {
    const folder = await tempFolder();
    // The package's WARC unzipped, gzip undone and stored again, then one byte of a page flipped:
    // only the package's own checksum can tell.
    execFileSync('unzip', ['-q', WACZ, '-d', join(folder, 'unpacked')]);
    const warc = gunzipSync(await readFile(join(folder, 'unpacked/archive/data.warc.gz')));
    await writeFile(join(folder, 'unpacked/archive/data.warc'), warc);
    await rm(join(folder, 'unpacked/archive/data.warc.gz'));
    execFileSync('zip', ['-q', '-0', '-r', join(folder, 'plain.wacz'), '.'], { cwd: join(folder, 'unpacked') });
    const bytes = await readFile(join(folder, 'plain.wacz'));
    const at = bytes.indexOf('Web archiving for all!');
    bytes[at] = bytes[at]! ^ 0x20;
    await writeFile(join(folder, 'plain.wacz'), bytes);
    const run = await pack([join(folder, 'plain.wacz')], join(folder, 'out.ferry'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/archive\/data\.warc in ".*plain\.wacz" does not match its CRC-32/);
    expect(existsSync(join(folder, 'out.ferry'))).toBe(false);
  });

  it('says so when a file is not a web archive at all', async () => {
    const folder = await tempFolder();
    const notWarc = join(folder, 'notes.warc');
    await copyFile(join(REPO, 'README.md'), notWarc);
    const run = await pack([notWarc], join(folder, 'out.ferry'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/notes\.warc" is damaged at byte 0 \(record 1\): a record starts with/);
  });
});
