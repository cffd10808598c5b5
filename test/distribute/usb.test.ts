import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { makeUsbStick } from '../../src/distribute/usb.js';
import { packSample, REPO, runCli, sha256, tempFolder } from '../helpers.js';

const DUMP = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');

describe('ferry usb and ferry verify <stick>', () => {
  let folder: string;
  let click: string;
  let library: string;
  let stick: string;

  beforeAll(async () => {
    folder = await tempFolder();
    click = await packSample(folder);
    library = join(folder, 'library');
    await mkdir(library);
    expect((await runCli(['pack', '--kind', 'mediawiki', DUMP, '-o', join(library, 'wiki.ferry')])).code).toBe(0);
    stick = join(folder, 'stick');
    const run = await runCli(['usb', stick, click, library, '--part-size', '200k']);
    expect(run.code, run.stderr).toBe(0);
  });

  it('cuts bundles larger than a part, keeps smaller ones whole, and writes a README and checksums', async () => {
    const files = (await readdir(join(stick, 'bundles'))).sort();
    expect(files).toEqual(['click.ferry.part001', 'click.ferry.part002', 'click.ferry.part003', 'wiki.ferry']);
    // The parts read as the bundle they were cut from.
    const bundle = await Bundle.open(join(stick, 'bundles/click.ferry.part001'));
    expect(bundle.manifest.metadata.name).toBe('click_docs_en');
    await bundle.close();
    const joined = Buffer.concat(
      await Promise.all([1, 2, 3].map((n) => readFile(join(stick, `bundles/click.ferry.part00${n}`)))),
    );
    expect(sha256(joined)).toBe(sha256(await readFile(click)));
    const readme = await readFile(join(stick, 'README.html'), 'utf8');
    expect(readme).toContain('Clean Water Wiki');
    expect(readme).toContain('<code>bundles/click.ferry.part002</code>');
    expect(readme).toMatch(/<section id="sw" lang="sw">/);
    expect(readme).toMatch(/<section id="ar" lang="ar" dir="rtl">/);
    expect(readme).not.toContain('<script');
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: stick }).toString();
    expect(check.trim().split('\n')).toHaveLength(6);
    expect(await readFile(join(stick, 'ferry-reader.html'), 'utf8')).toContain('ferry reader');
  });

  it('verifies a good stick, and names the damaged file of a bad copy', async () => {
    const good = await runCli(['verify', stick]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout.toString()).toMatch(/6 files checked: OK/);
    const copy = join(folder, 'copy');
    await mkdir(join(copy, 'bundles'), { recursive: true });
    for (const file of ['README.html', 'SHA256SUMS']) await copyFile(join(stick, file), join(copy, file));
    for (const file of await readdir(join(stick, 'bundles'))) {
      await copyFile(join(stick, 'bundles', file), join(copy, 'bundles', file));
    }
    const part = join(copy, 'bundles/click.ferry.part002');
    const data = await readFile(part);
    data[1000]! ^= 0x01;
    await writeFile(part, data);
    const bad = await runCli(['verify', copy]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.toString()).toContain(
      'bad: bundles/click.ferry.part002: its SHA-256 does not match: it was damaged in copying',
    );
    expect(bad.stderr).toMatch(/copy them again from a good copy/);
  });

  it('refuses, writing nothing, when the bundles do not fit', async () => {
    const small = join(folder, 'small-stick');
    await expect(
      makeUsbStick(small, [click], { space: () => Promise.resolve({ free: 100_000, fat: false }) }),
    ).rejects.toThrow(/need .* but .* has 100\.0 KB free; nothing was written/);
    expect(await readdir(small)).toEqual([]);
  });

  it('splits for FAT32 when the file system is FAT, without being asked', async () => {
    const fat = join(folder, 'fat-stick');
    const result = await makeUsbStick(fat, [click], {
      partSize: 300_000,
      space: () => Promise.resolve({ free: 10 ** 9, fat: true }),
    });
    expect(result.bundles[0]!.files).toEqual(['bundles/click.ferry.part001', 'bundles/click.ferry.part002']);
  });
});
