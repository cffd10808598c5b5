import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basicMetadata, createManifest } from '../../src/bundle/manifest.js';
import { EntryKind } from '../../src/bundle/path-index.js';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import { runCli, sha256, tempFolder } from '../helpers.js';

describe('writing a bundle is atomic', () => {
  it('leaves the old file untouched and no temporary file when writing is abandoned', async () => {
    const folder = await tempFolder();
    const target = join(folder, 'site.ferry');
    await writeFile(target, 'the old bundle');
    const writer = await BundleWriter.create(target, { mtime: new Date(0) });
    await writer.add({
      name: 'content/a.html',
      data: Buffer.from('<p>a'),
      kind: EntryKind.Page,
      mediaType: 'text/html',
      compress: true,
    });
    await writer.abort();
    expect(await readdir(folder)).toEqual(['site.ferry']);
    expect(await readFile(target, 'utf8')).toBe('the old bundle');
  });

  it('refuses entry names that could escape a folder when extracted', async () => {
    const folder = await tempFolder();
    const writer = await BundleWriter.create(join(folder, 'x.ferry'), { mtime: new Date(0) });
    for (const name of ['../evil', '/etc/passwd', 'a/../../b', 'a\\b', 'a\u0000b', 'a//b']) {
      await expect(
        writer.add({ name, data: Buffer.from('x'), kind: EntryKind.Asset, mediaType: 'text/plain', compress: true }),
      ).rejects.toThrow(/Cannot store/);
    }
    await writer.abort();
  });
});

describe('writing a bundle of many entries', () => {
  /** Entries and redirects added in a scrambled order, as a wiki's pages come. */
  async function writeMany(target: string, sortRunBytes?: number): Promise<void> {
    const writer = await BundleWriter.create(target, { mtime: new Date(0), sortRunBytes });
    for (let i = 0; i < 3000; i++) {
      const n = (i * 7919) % 3000;
      await writer.add({
        name: `content/page-${n}.html`,
        data: Buffer.from(`<p>page ${n}`),
        kind: EntryKind.Page,
        mediaType: n % 3 ? 'text/html' : 'text/plain',
        compress: n % 2 === 0,
      });
      if (n % 5 === 0) writer.addRedirect(`content/alias-${n}.html`, `content/page-${n}.html`);
    }
    await writer.addManifest(
      createManifest({
        metadata: basicMetadata('many', 'Many', '2024-01-01'),
        mainPage: 'page-0.html',
        illustration: null,
        counts: { pages: 3000, assets: 0, redirects: 600 },
        search: { shards: 0, documents: 0, language: 'eng' },
        contentDigest: await writer.contentDigest(),
      }),
    );
    await writer.finish();
  }

  it('is the same bundle whether its index was sorted in memory or on disk, and finds every entry', async () => {
    const folder = await tempFolder();
    const inMemory = join(folder, 'memory.ferry');
    const onDisk = join(folder, 'disk.ferry');
    await writeMany(inMemory);
    await writeMany(onDisk, 4096);
    expect(sha256(await readFile(onDisk))).toBe(sha256(await readFile(inMemory)));
    expect((await readdir(folder)).sort()).toEqual(['disk.ferry', 'memory.ferry']);

    const bundle = await Bundle.open(onDisk);
    try {
      for (const n of [0, 1, 1499, 2999]) {
        const record = await bundle.resolve(`content/page-${n}.html`);
        expect((await bundle.read(record!)).toString()).toBe(`<p>page ${n}`);
      }
      const alias = await bundle.resolve('content/alias-2995.html');
      expect(alias?.name).toBe('content/page-2995.html');
      expect(await bundle.lookup('content/page-3000.html')).toBeUndefined();
    } finally {
      await bundle.close();
    }
    const report = JSON.parse((await runCli(['verify', onDisk, '--json'])).stdout.toString());
    expect(report.errors).toEqual([]);
  });

  it('names a duplicate entry, and leaves no file behind', async () => {
    const folder = await tempFolder();
    const writer = await BundleWriter.create(join(folder, 'twice.ferry'), { mtime: new Date(0), sortRunBytes: 256 });
    const page = { data: Buffer.from('x'), kind: EntryKind.Page, mediaType: 'text/html', compress: true } as const;
    for (let i = 0; i < 50; i++) await writer.add({ ...page, name: `content/${i}.html` });
    await writer.add({ ...page, name: 'content/7.html' });
    await expect(writer.contentDigest()).rejects.toThrow('Two entries have the same name "content/7.html"');
    await writer.abort();
    expect(await readdir(folder)).toEqual([]);
  });
});
