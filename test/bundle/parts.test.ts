import { copyFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EntryKind } from '../../src/bundle/path-index.js';
import { Bundle } from '../../src/bundle/reader.js';
import { Library } from '../../src/server/library.js';
import { packSample, runCli, tempFolder, sha256 } from '../helpers.js';

describe('split parts for FAT32 sticks', () => {
  let folder: string;
  let bundle: string;
  beforeAll(async () => {
    folder = await tempFolder();
    bundle = await packSample(folder);
    const run = await runCli(['split', bundle, '--size', '100k']);
    expect(run.code, run.stderr).toBe(0);
  });

  it('cuts the bundle into numbered parts of the chosen size', async () => {
    const parts = (await readdir(folder)).filter((name) => name.startsWith('click.ferry.part')).sort();
    const size = (await stat(bundle)).size;
    expect(parts).toHaveLength(Math.ceil(size / 102400));
    expect(parts[0]).toBe('click.ferry.part001');
    expect((await stat(join(folder, parts[0]!))).size).toBe(102400);
  });

  it('reads, searches and verifies straight from the parts, given the first part', async () => {
    const first = join(folder, 'click.ferry.part001');
    const info = await runCli(['info', first, '--json']);
    expect(JSON.parse(info.stdout.toString()).metadata.name).toBe('click_docs_en');
    const search = await runCli(['search', first, 'surrogates', '--json']);
    expect(JSON.parse(search.stdout.toString()).hits[0].path).toBe('unicode-support.html');
    expect((await runCli(['verify', first])).code).toBe(0);
  });

  it('opens from the base name when only the parts are there, and reads across part boundaries', async () => {
    const onlyParts = await tempFolder();
    for (const name of (await readdir(folder)).filter((entry) => entry.startsWith('click.ferry.part'))) {
      await copyFile(join(folder, name), join(onlyParts, name));
    }
    const fromParts = await Bundle.open(join(onlyParts, 'click.ferry'));
    const whole = await Bundle.open(bundle);
    for await (const record of whole.records()) {
      if (record.kind === EntryKind.Redirect) continue;
      const copy = (await fromParts.resolve(record.name))!;
      expect(sha256(await fromParts.read(copy)), record.name).toBe(sha256(await whole.read(record)));
    }
    await Promise.all([fromParts.close(), whole.close()]);
    const library = await Library.open([onlyParts]);
    expect(library.list().map((item) => item.name)).toEqual(['click_docs_en']);
    await library.close();
  });

  it('joins the parts back into a byte-identical bundle', async () => {
    const joined = join(folder, 'joined.ferry');
    const run = await runCli(['join', join(folder, 'click.ferry.part001'), '-o', joined]);
    expect(run.code, run.stderr).toBe(0);
    expect(sha256(await readFile(joined))).toBe(sha256(await readFile(bundle)));
  });

  it('says which part is missing', async () => {
    const gap = await tempFolder();
    await copyFile(join(folder, 'click.ferry.part001'), join(gap, 'click.ferry.part001'));
    await copyFile(join(folder, 'click.ferry.part003'), join(gap, 'click.ferry.part003'));
    const run = await runCli(['info', join(gap, 'click.ferry.part001')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('part 2 is missing');
  });

  it('refuses a size that is not one', async () => {
    const run = await runCli(['split', bundle, '--size', 'big']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"big" is not a size');
  });
});
