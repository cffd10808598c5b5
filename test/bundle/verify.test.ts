import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { damageEntry, packSample, runCli, tempFolder } from '../helpers.js';

describe('ferry verify', () => {
  let folder: string;
  let good: string;
  beforeAll(async () => {
    folder = await tempFolder();
    good = await packSample(folder);
  });

  it('passes a good bundle and reports its size and entry count', async () => {
    const run = await runCli(['verify', good]);
    expect(run.code).toBe(0);
    // 79 files of the sample and its data entries, the zstd dictionary among them.
    expect(run.stdout.toString()).toMatch(/click\.ferry: 81 entries, .*: OK/);
  });

  it('lists links to pages the bundle lacks as warnings, and fails on them with --strict', async () => {
    const report = JSON.parse((await runCli(['verify', good, '--json'])).stdout.toString());
    expect(report.ok).toBe(true);
    expect(report.warnings).toContainEqual({
      check: 'links',
      entry: 'content/api.html',
      message: 'links to "usr/share/doc/python3-doc/html/library/typing.html", which is not in the bundle',
    });
    const strict = await runCli(['verify', good, '--strict']);
    expect(strict.code).toBe(1);
  });

  it('leaves out links in comments and inside scripts, as a browser does', async () => {
    const site = join(folder, 'commented');
    await mkdir(site);
    await writeFile(
      join(site, 'index.html'),
      '<html><body><!--[if IE 7]><link href="/ie7.css"><![endif]--><script src="app.js">var a = \'<a href="in-script.html">\';</script>' +
        '<a href="missing.html">m</a></body></html>',
    );
    await writeFile(join(site, 'app.js'), '');
    await runCli(['pack', site, '-o', join(folder, 'commented.ferry'), '--language', 'eng']);
    const report = JSON.parse((await runCli(['verify', join(folder, 'commented.ferry'), '--json'])).stdout.toString());
    const links = report.warnings.filter((warning: { check: string }) => warning.check === 'links');
    expect(links.map((warning: { message: string }) => warning.message)).toEqual([
      'links to "missing.html", which is not in the bundle',
    ]);
  });

  it('names the damaged entry and exits non-zero', async () => {
    const damaged = join(folder, 'damaged.ferry');
    await damageEntry(good, damaged, '_static/click-icon.png');
    const run = await runCli(['verify', damaged]);
    expect(run.code).toBe(1);
    expect(run.stdout.toString()).toContain(
      'error: content/_static/click-icon.png: CRC-32 does not match: the data is damaged',
    );
    expect(run.stderr).toContain('verification failed at content/_static/click-icon.png');
  });

  it('names every name of a file stored once when its data is damaged', async () => {
    // The sample holds the same logo at _images/ and _static/: the second is a copy of the first.
    const damaged = join(folder, 'damaged-shared.ferry');
    await damageEntry(good, damaged, '_images/click-logo.png');
    const report = JSON.parse((await runCli(['verify', damaged, '--json'])).stdout.toString());
    expect(report.errors.map((error: { entry: string }) => error.entry)).toEqual([
      'content/_images/click-logo.png',
      'content/_static/click-logo.png',
    ]);
  });

  it('finds damage inside a zstd page too', async () => {
    const damaged = join(folder, 'damaged-page.ferry');
    await damageEntry(good, damaged, 'api.html');
    const report = JSON.parse((await runCli(['verify', damaged, '--json'])).stdout.toString());
    expect(report.ok).toBe(false);
    expect(report.errors[0].entry).toBe('content/api.html');
  });

  it('finds damage inside a deflated page', async () => {
    const deflated = await packSample(await tempFolder(), ['--compression', 'deflate']);
    const damaged = join(folder, 'damaged-deflated-page.ferry');
    await damageEntry(deflated, damaged, 'api.html');
    const report = JSON.parse((await runCli(['verify', damaged, '--json'])).stdout.toString());
    expect(report.ok).toBe(false);
    expect(report.errors[0].entry).toBe('content/api.html');
  });

  it('reports a file that is not a bundle as a structure failure', async () => {
    const path = join(folder, 'not.ferry');
    await writeFile(path, 'hello');
    const run = await runCli(['verify', path]);
    expect(run.code).toBe(1);
    expect(run.stdout.toString()).toContain('FAILED');
  });
});

describe('ferry verify on redirects', () => {
  it('reports a redirect loop and a redirect to a missing entry', async () => {
    const { BundleWriter } = await import('../../src/bundle/writer.js');
    const { EntryKind } = await import('../../src/bundle/path-index.js');
    const { basicMetadata, createManifest } = await import('../../src/bundle/manifest.js');
    const path = join(await tempFolder(), 'loops.ferry');
    const writer = await BundleWriter.create(path, { mtime: new Date(Date.UTC(2024, 0, 1)) });
    await writer.add({
      name: 'content/index.html',
      data: Buffer.from('<p>home'),
      kind: EntryKind.Page,
      mediaType: 'text/html',
      compress: true,
    });
    writer.addRedirect('content/a.html', 'content/b.html');
    writer.addRedirect('content/b.html', 'content/a.html');
    writer.addRedirect('content/gone.html', 'content/nowhere.html');
    const metadata = {
      ...basicMetadata('loops', 'Loops', '2024-01-01'),
      description: 'd',
      creator: 'c',
      publisher: 'p',
      license: 'l',
      source: 's',
    };
    await writer.addManifest(
      createManifest({
        metadata,
        mainPage: 'index.html',
        illustration: null,
        counts: { pages: 1, assets: 0, redirects: 3 },
        search: { shards: 0, documents: 0, language: 'eng' },
        contentDigest: await writer.contentDigest(),
      }),
    );
    await writer.finish();

    const report = JSON.parse((await runCli(['verify', path, '--json'])).stdout.toString());
    expect(report.errors).toEqual([
      { check: 'redirects', entry: 'content/a.html', message: 'is in a redirect loop or chain longer than 8' },
      { check: 'redirects', entry: 'content/b.html', message: 'is in a redirect loop or chain longer than 8' },
      { check: 'redirects', entry: 'content/gone.html', message: 'points at "content/nowhere.html", which is missing' },
    ]);
  });
});
