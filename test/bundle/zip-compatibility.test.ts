import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packSample, SAMPLE_SITE, tempFolder, sha256 } from '../helpers.js';

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  // A file stored once extracts as a symbolic link to its first copy (FORMAT.md §4.2).
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)));
}

describe('a deflate bundle is a standard ZIP', () => {
  let folder: string;
  let bundle: string;
  beforeAll(async () => {
    folder = await tempFolder();
    bundle = await packSample(folder, ['--compression', 'deflate']);
  });

  it('passes unzip -t', () => {
    const output = execFileSync('unzip', ['-t', bundle], { encoding: 'utf8' });
    expect(output).toContain('No errors detected');
  });

  it("passes Python's zipfile check", () => {
    const script =
      'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(z.testzip() or "ok", len(z.namelist()))';
    const output = execFileSync('python3', ['-c', script, bundle], { encoding: 'utf8' }).trim();
    expect(output).toMatch(/^ok \d+$/);
  });

  it('extracts every sample file byte-identical to its source', async () => {
    const extracted = join(folder, 'extracted');
    execFileSync('unzip', ['-q', bundle, '-d', extracted]);
    const sourceFiles = (await listFiles(SAMPLE_SITE)).sort();
    const packedFiles = (await listFiles(join(extracted, 'content'))).sort();
    expect(packedFiles).toEqual(sourceFiles);
    for (const file of sourceFiles) {
      const [original, copy] = await Promise.all([
        readFile(join(SAMPLE_SITE, file)),
        readFile(join(extracted, 'content', file)),
      ]);
      expect(sha256(copy), file).toBe(sha256(original));
    }
  });

  it('is byte-identical when the same input is packed twice', async () => {
    const again = await packSample(await tempFolder(), ['--compression', 'deflate']);
    expect(sha256(await readFile(again))).toBe(sha256(await readFile(bundle)));
  });
});

describe('a compact bundle is a ZIP that tools can list', () => {
  let folder: string;
  let bundle: string;
  beforeAll(async () => {
    folder = await tempFolder();
    bundle = await packSample(folder);
  });

  it('lists in unzip and Python, with text as zstd (method 93) and its metadata readable', () => {
    const script = [
      'import sys, json, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'methods = {i.filename: i.compress_type for i in z.infolist()}',
      'print(methods["content/index.html"], methods["content/_images/click-logo.png"], methods["ferry.json"])',
      'print(json.loads(z.read("ferry.json"))["compression"])',
    ].join('\n');
    const output = execFileSync('python3', ['-c', script, bundle], { encoding: 'utf8' }).trim().split('\n');
    expect(output).toEqual(['93 0 8', 'compact']);
    expect(execFileSync('unzip', ['-l', bundle], { encoding: 'utf8' })).toContain('content/index.html');
  });

  it('is byte-identical when the same input is packed twice', async () => {
    const again = await packSample(await tempFolder());
    expect(sha256(await readFile(again))).toBe(sha256(await readFile(bundle)));
  });
});
