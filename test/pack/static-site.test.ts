import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntryKind } from '../../src/bundle/path-index.js';
import { Bundle } from '../../src/bundle/reader.js';
import { defaultIllustration } from '../../src/pack/illustration.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { runCli, tempFolder, type CliRun } from '../helpers.js';

/** A small site with the awkward parts real mirrors have. */
async function makeSite(root: string, outside: string): Promise<void> {
  await mkdir(join(root, 'guide'), { recursive: true });
  await mkdir(join(root, 'img'));
  await writeFile(
    join(root, 'index.html'),
    '<!doctype html><html><head><title>Home</title></head><body>' +
      '<a href="https://example.org/docs/guide/">guide</a> <img src="http://example.org/docs/img/logo.png">' +
      '<a href="https://example.org/docs/guide/index.html#part">part</a> <a href="https://elsewhere.net/x">away</a></body></html>',
  );
  await writeFile(
    join(root, 'guide/index.html'),
    '<html><body><h1>The Guide</h1><p>Read on about kayaks.</p></body></html>',
  );
  await writeFile(join(root, 'notitle.html'), '<p>nothing to name this page by');
  // Doxygen's main page without <title>: its name in an element of class "title", its sections in <h1>.
  await writeFile(
    join(root, 'doxygen.html'),
    '<html><body><div class="headertitle"><div class="title">Widget Library Documentation</div></div>' +
      '<div class="contents"><h1>Introduction</h1><p>Widgets for quokkas.</p><h1>Features</h1></div></body></html>',
  );
  await writeFile(
    join(root, 'broken.html'),
    '<html><body><p>unclosed <div><b>bold <table><tr><td>cell about zeppelins',
  );
  await writeFile(
    join(root, 'page'),
    '<!DOCTYPE html><html><head><title>No extension</title></head><body>sniffed</body></html>',
  );
  await writeFile(join(root, 'img/logo.png'), defaultIllustration('logo'));
  await symlink('index.html', join(root, 'home.html'));
  await writeFile(outside, 'a secret outside the mirror');
  await symlink(outside, join(root, 'secret.html'));
  await symlink('..', join(root, 'guide/up'));
}

describe('packing a static site', () => {
  let bundle: Bundle;
  let run: CliRun;
  beforeAll(async () => {
    const folder = await tempFolder();
    const site = join(folder, 'site');
    await mkdir(site);
    await makeSite(site, join(folder, 'secret.txt'));
    const output = join(folder, 'site.ferry');
    run = await runCli(['pack', site, '-o', output, '--base-url', 'https://example.org/docs/', '--language', 'eng']);
    expect(run.code, run.stderr).toBe(0);
    bundle = await Bundle.open(output);
  });
  afterAll(() => bundle.close());

  it('stores pages and assets with media types found by extension or content', async () => {
    const page = await bundle.resolveContent('page');
    expect(page?.kind).toBe(EntryKind.Page);
    expect(page?.locator.mediaType).toBe('text/html; charset=utf-8');
    const logo = await bundle.resolveContent('img/logo.png');
    expect(logo?.kind).toBe(EntryKind.Asset);
    expect(logo?.locator.mediaType).toBe('image/png');
  });

  it('compresses text with zstd by default and stores images as they are', async () => {
    expect((await bundle.resolveContent('index.html'))?.locator.method).toBe(93);
    expect((await bundle.resolveContent('img/logo.png'))?.locator.method).toBe(0);
  });

  it('makes links to the site itself relative and leaves other links alone', async () => {
    const html = (await bundle.read((await bundle.resolveContent('index.html'))!)).toString();
    expect(html).toContain('href="guide/index.html"');
    expect(html).toContain('src="img/logo.png"');
    expect(html).toContain('href="guide/index.html#part"');
    expect(html).toContain('href="https://elsewhere.net/x"');
  });

  it('takes titles from <title>, else the first <h1> or class "title" element, else the file name', async () => {
    const searcher = new BundleSearcher(bundle);
    expect((await searcher.search('kayaks')).hits[0]?.title).toBe('The Guide');
    expect((await searcher.search('quokkas')).hits[0]?.title).toBe('Widget Library Documentation');
    expect((await searcher.search('nothing name')).hits[0]?.title).toBe('notitle.html');
  });

  it('packs broken HTML and still indexes its text', async () => {
    const results = await new BundleSearcher(bundle).search('zeppelins');
    expect(results.hits[0]?.path).toBe('broken.html');
  });

  it('stores a symlink inside the folder as a redirect, not a copy', async () => {
    const record = await bundle.lookup('content/home.html');
    expect(record).toEqual({ name: 'content/home.html', kind: EntryKind.Redirect, target: 'content/index.html' });
    expect((await bundle.resolveContent('home.html'))?.name).toBe('content/index.html');
    expect(bundle.manifest.counts.redirects).toBe(1);
  });

  it('never follows a symlink out of the folder, and says so', async () => {
    expect(await bundle.lookup('content/secret.html')).toBeUndefined();
    expect(await bundle.lookup('content/guide/up/index.html')).toBeUndefined();
    expect(run.stderr).toContain('skipped "secret.html": it is a symbolic link that points outside the folder');
    expect(run.stderr).toContain('skipped "guide/up"');
  });

  it('warns about metadata a library would miss and prints a one-line summary', () => {
    expect(run.stderr).toContain('no --description, --creator, --publisher, --license given');
    expect(run.stderr).toMatch(/packed home: 6 pages, 1 assets, 1 redirects; .* in, .* out; [\d.]+ s; 2 skipped/);
  });
});
