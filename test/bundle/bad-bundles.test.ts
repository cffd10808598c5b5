import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { BundleSearcher } from '../../src/search/searcher.js';
import { FerryError } from '../../src/errors.js';
import { packSample, REPO, runCli, SAMPLE_METADATA, SAMPLE_SITE, tempFolder } from '../helpers.js';

async function openError(path: string): Promise<FerryError> {
  const error = await Bundle.open(path).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(FerryError);
  return error as FerryError;
}

describe('the reader refuses bad bundles with a clear error', () => {
  let folder: string;
  let good: string;
  const packed: Record<'compact' | 'deflate', string> = { compact: '', deflate: '' };
  beforeAll(async () => {
    folder = await tempFolder();
    good = await packSample(folder);
    packed.compact = good;
    packed.deflate = await packSample(await tempFolder(), ['--compression', 'deflate']);
  });

  it('names a file that is not a ZIP at all', async () => {
    const path = join(folder, 'notes.ferry');
    await writeFile(path, 'these are my notes, not a bundle\n'.repeat(10));
    const error = await openError(path);
    expect(error.code).toBe('NOT_A_BUNDLE');
    expect(error.message).toContain('notes.ferry');
  });

  it('refuses an empty file', async () => {
    const path = join(folder, 'empty.ferry');
    await writeFile(path, '');
    expect((await openError(path)).code).toBe('NOT_A_BUNDLE');
  });

  it('refuses a plain ZIP that has no path index', async () => {
    const path = join(folder, 'plain.zip');
    await writeFile(join(folder, 'a.txt'), 'hello');
    execFileSync('zip', ['-q', '-j', path, join(folder, 'a.txt')]);
    const error = await openError(path);
    expect(error.code).toBe('NOT_A_BUNDLE');
    expect(error.message).toContain('ferry/index');
  });

  it('refuses a truncated bundle', async () => {
    const path = join(folder, 'truncated.ferry');
    await copyFile(good, path);
    const size = (await readFile(good)).length;
    await truncate(path, Math.floor(size / 2));
    expect(['NOT_A_BUNDLE', 'BUNDLE_CORRUPT']).toContain((await openError(path)).code);
  });

  it('refuses a path index record changed by one byte, by the checksum of its block', async () => {
    const path = join(folder, 'flipped-record.ferry');
    const bytes = await readFile(good);
    // A byte in the middle of the (deflated) block that holds content/index.html.
    const block = indexBlockOf(bytes, 'content/index.html');
    bytes[block.start + Math.floor(block.length / 2)]! ^= 0x01;
    await writeFile(path, bytes);
    const bundle = await Bundle.open(path);
    const error = await bundle.resolveContent('index.html').then(
      () => undefined,
      (failure: FerryError) => failure,
    );
    await bundle.close();
    expect(error?.code).toBe('BUNDLE_CORRUPT');
    expect(error?.message).toMatch(/path index is damaged \(block \d+ does not match its checksum\)/);
  });

  it('refuses a path index whose block table was changed, at open', async () => {
    const path = join(folder, 'flipped-table.ferry');
    const bytes = await readFile(good);
    const magic = bytes.lastIndexOf(Buffer.from('FRYIDX3\0', 'latin1'));
    const tableOffset = Number(bytes.readBigUInt64LE(magic + 16));
    bytes[magic + tableOffset + 12]! ^= 0x80; // The first block's CRC-32 in the table.
    await writeFile(path, bytes);
    const error = await openError(path);
    expect(error.code).toBe('BUNDLE_CORRUPT');
    expect(error.message).toContain('its header or block table does not match its checksum');
  });

  it('refuses a bundle whose path index was overwritten', async () => {
    const path = join(folder, 'damaged.ferry');
    const bytes = await readFile(good);
    const magic = bytes.lastIndexOf(Buffer.from('FRYIDX3\0', 'latin1'));
    bytes.fill(0x41, magic, magic + 8);
    await writeFile(path, bytes);
    const error = await openError(path);
    expect(error.code).toBe('BUNDLE_CORRUPT');
    expect(error.message).toContain('path index');
  });

  it.each(['compact', 'deflate'] as const)('stops decoding a %s entry at its recorded size (a bomb)', async (mode) => {
    const bundle = await Bundle.open(packed[mode]);
    try {
      // The record as a hostile index would give it: the entry's data, a claim of 100 bytes.
      const real = (await bundle.resolveContent('index.html'))!;
      const entry = { ...real, locator: { ...real.locator, size: 100 } };
      await expect(bundle.read(entry)).rejects.toThrow(/index\.html/);
      const stream = await bundle.openStream(entry);
      await expect(async () => {
        for await (const chunk of stream) expect(chunk).toBeDefined();
      }).rejects.toThrow();
    } finally {
      await bundle.close();
    }
  });

  it.each(['compact', 'deflate'] as const)('refuses a %s entry whose data is not what it claims', async (mode) => {
    const path = join(folder, `bomb-${mode}.ferry`);
    const bytes = await readFile(packed[mode]);
    const bundle = await Bundle.open(packed[mode]);
    const record = (await bundle.resolveContent('index.html'))!;
    await bundle.close();
    // Overwrite the page's compressed data with zeros, which claim other content or none.
    const nameLength = bytes.readUInt16LE(record.locator.offset + 26);
    const dataStart = record.locator.offset + 30 + nameLength + bytes.readUInt16LE(record.locator.offset + 28);
    bytes.fill(0, dataStart, dataStart + record.locator.compressedSize);
    await writeFile(path, bytes);
    const damaged = await Bundle.open(path);
    const damagedRecord = (await damaged.resolveContent('index.html'))!;
    await expect(damaged.read(damagedRecord)).rejects.toThrow(/index\.html" is damaged/);
    await damaged.close();
  });
});

/** Where the block of a format-4 path index that holds `name` lies in the bundle's bytes. */
function indexBlockOf(bytes: Buffer, name: string): { start: number; length: number } {
  const index = bytes.lastIndexOf(Buffer.from('FRYIDX3\0', 'latin1'));
  const blockCount = bytes.readUInt32LE(index + 12);
  let at = index + Number(bytes.readBigUInt64LE(index + 16));
  let found = { start: 0, length: 0 };
  for (let block = 0; block < blockCount; block++) {
    const keyLength = bytes.readUInt16LE(at + 16);
    const firstKey = bytes.toString('utf8', at + 18, at + 18 + keyLength);
    if (firstKey <= name)
      found = { start: index + Number(bytes.readBigUInt64LE(at)), length: bytes.readUInt32LE(at + 8) };
    at += 18 + keyLength;
  }
  return found;
}

describe('bundles of format version 1', () => {
  const v1 = join(REPO, 'test/fixtures/format-1/click-v1.ferry');

  it('still open, read and verify: their index has no checksums to check', async () => {
    const bundle = await Bundle.open(v1);
    expect(bundle.manifest.version).toBe(1);
    expect(bundle.indexHeader.checksums).toBe(false);
    const page = (await bundle.resolveContent('license.html'))!;
    expect((await bundle.read(page)).toString()).toContain('BSD');
    await bundle.close();
    const run = await runCli(['verify', v1]);
    expect(run.code, run.stdout.toString()).toBe(0);
  });

  it('are still searched: their shards of lunr weights rank as before', async () => {
    const bundle = await Bundle.open(v1);
    try {
      const results = await new BundleSearcher(bundle).search('license');
      expect(results.hits[0]?.path).toBe('license.html');
      expect(results.hits[0]?.snippet.text).toMatch(/licen/i);
    } finally {
      await bundle.close();
    }
  });

  it('are still searched once converted: the new manifest says which version their index is', async () => {
    const compact = join(await tempFolder(), 'compact.ferry');
    const run = await runCli(['convert', v1, compact, '--compression', 'compact']);
    expect(run.code, run.stderr).toBe(0);
    const [old, converted] = await Promise.all([Bundle.open(v1), Bundle.open(compact)]);
    try {
      expect(converted.manifest.version).toBe(6);
      expect(converted.manifest.search.version).toBe(1);
      const found = async (bundle: Bundle) =>
        (await new BundleSearcher(bundle).search('license')).hits.map((hit) => [hit.path, hit.score]);
      expect(await found(converted)).toEqual(await found(old));
      expect((await runCli(['search', compact, 'license'])).code).toBe(0);
    } finally {
      await Promise.all([old.close(), converted.close()]);
    }
  });
});

describe('bundles of format version 3, packed before compact compression', () => {
  const v3 = join(REPO, 'test/fixtures/format-3/click-v3.ferry');

  it('still open, read, search, verify and convert', async () => {
    const bundle = await Bundle.open(v3);
    try {
      expect(bundle.manifest.version).toBe(3);
      expect(bundle.manifest.compression).toBeUndefined();
      const page = (await bundle.resolveContent('license.html'))!;
      expect(page.locator.method).toBe(8);
      expect((await bundle.read(page)).toString()).toContain('BSD');
      expect((await new BundleSearcher(bundle).search('license')).hits[0]?.path).toBe('license.html');
      // Its title list of format 1, stored blocks, still gives suggestions.
      expect((await new BundleSearcher(bundle).suggest('bsd')).map((found) => found.path)).toContain('license.html');
    } finally {
      await bundle.close();
    }
    expect((await runCli(['verify', v3])).code).toBe(0);
    const compact = join(await tempFolder(), 'compact.ferry');
    expect((await runCli(['convert', v3, compact, '--compression', 'compact'])).code).toBe(0);
    const converted = await Bundle.open(compact);
    try {
      expect(converted.manifest.compression).toBe('compact');
      expect((await converted.read((await converted.resolveContent('license.html'))!)).toString()).toContain('BSD');
    } finally {
      await converted.close();
    }
  });
});

describe('bundles of format version 4, packed before editions kept their base search shards', () => {
  const v4 = join(REPO, 'test/fixtures/format-4/click-v4.ferry');

  it('still open, search and verify, and are the base of a new edition', async () => {
    const bundle = await Bundle.open(v4);
    try {
      expect(bundle.manifest.version).toBe(4);
      expect((await new BundleSearcher(bundle).search('license')).hits[0]?.path).toBe('license.html');
    } finally {
      await bundle.close();
    }
    expect((await runCli(['verify', v4])).code).toBe(0);

    // The next edition adds a page. Its pages keep their bytes (the base's dictionary); a shard
    // is kept only where this ferry indexes its pages as format 4 did (not with heading phrases).
    const folder = await tempFolder();
    const site = join(folder, 'site');
    await mkdir(join(site, '_static'), { recursive: true });
    for (const name of ['license.html', 'contrib.html', 'changes.html', '_static/click-icon.png']) {
      await copyFile(join(SAMPLE_SITE, name), join(site, name));
    }
    const edition = join(folder, 'edition.ferry');
    const run = await runCli(['pack', site, '-o', edition, '--metadata', SAMPLE_METADATA, '--base', v4], {
      SOURCE_DATE_EPOCH: '1700000000',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/--base/);
    const [old, next] = await Promise.all([Bundle.open(v4), Bundle.open(edition)]);
    try {
      const raw = async (from: Bundle, path: string) => from.readRaw((await from.resolveContent(path))!);
      expect((await raw(next, 'license.html')).equals(await raw(old, 'license.html'))).toBe(true);
      expect(next.manifest.version).toBe(6);
      const searcher = new BundleSearcher(next);
      expect((await searcher.search('license')).hits[0]?.path).toBe('license.html');
      expect((await searcher.search('changelog changes')).hits.map((hit) => hit.path)).toContain('changes.html');
    } finally {
      await Promise.all([old.close(), next.close()]);
    }
  });
});
