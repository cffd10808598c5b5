import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EntryKind } from '../../src/bundle/path-index.js';
import { Bundle } from '../../src/bundle/reader.js';
import { tempFolder } from '../helpers.js';
import { writeSyntheticBundle } from '../../bench/synthetic-bundle.js';

const ENTRIES = 70_000; // More than a classic ZIP's 65,535: only zip64 records can count them.

const pageName = (i: number) => `content/page-${String(i).padStart(6, '0')}.txt`;

describe('bundles past the classic ZIP limits', () => {
  let path: string;
  beforeAll(async () => {
    path = join(await tempFolder(), 'many.ferry');
    await writeSyntheticBundle(path, 'many', ENTRIES, (i) => ({
      name: pageName(i),
      data: Buffer.from(`page ${i}\n`),
      kind: EntryKind.Asset,
      mediaType: 'text/plain',
      compress: false,
    }));
  }, 120_000);

  it('opens and finds the first, a middle and the last of 70,000 entries', async () => {
    const bundle = await Bundle.open(path);
    expect(bundle.indexHeader.recordCount).toBe(ENTRIES + 1);
    for (const i of [0, 34_567, ENTRIES - 1]) {
      const record = (await bundle.resolve(pageName(i)))!;
      expect((await bundle.read(record)).toString()).toBe(`page ${i}\n`);
    }
    expect(await bundle.resolve('content/page-070000.txt')).toBeUndefined();
    await bundle.close();
  });

  it('is read by unzip and by Python as a zip64 archive', () => {
    expect(execFileSync('unzip', ['-t', '-qq', path], { encoding: 'utf8' })).toBe('');
    const script =
      'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(len(z.infolist()), z.read(sys.argv[2]).decode().strip())';
    const output = execFileSync('python3', ['-c', script, path, pageName(ENTRIES - 1)], { encoding: 'utf8' }).trim();
    expect(output).toBe(`${ENTRIES + 2} page ${ENTRIES - 1}`);
  });
});
