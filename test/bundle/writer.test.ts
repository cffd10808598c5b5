import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EntryKind } from '../../src/bundle/path-index.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import { tempFolder } from '../helpers.js';

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
