import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, SAMPLE_SITE, tempFolder } from '../helpers.js';

describe('bad input gets a clear error, a non-zero exit and no output file', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await tempFolder();
  });

  it('a folder that does not exist', async () => {
    const run = await runCli(['pack', join(folder, 'missing'), '-o', join(folder, 'a.ferry')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('does not exist');
    expect(await readdir(folder)).not.toContain('a.ferry');
  });

  it('an empty folder', async () => {
    const empty = join(folder, 'empty');
    await mkdir(empty);
    const run = await runCli(['pack', empty, '-o', join(folder, 'b.ferry')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('holds no files');
    expect(await readdir(folder)).not.toContain('b.ferry');
  });

  it('an output path in a folder that does not exist', async () => {
    const run = await runCli(['pack', SAMPLE_SITE, '-o', join(folder, 'no/such/place.ferry')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('does not exist. Create it first');
  });

  it('a file that is not a bundle, given to info, search and serve', async () => {
    const notBundle = join(folder, 'notes.txt');
    await writeFile(notBundle, 'just some notes\n');
    for (const args of [
      ['info', notBundle],
      ['search', notBundle, 'word'],
      ['serve', notBundle, '--port', '0'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr, args[0]).toMatch(/notes\.txt is not a ferry bundle/);
    }
  });

  it('a language that is not ISO 639-3', async () => {
    const run = await runCli(['pack', SAMPLE_SITE, '-o', join(folder, 'c.ferry'), '--language', 'en']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ISO 639-3');
    expect(await readdir(folder)).not.toContain('c.ferry');
  });

  it('leaves no temporary file behind after a failed pack', async () => {
    const leftovers = (await readdir(folder)).filter((name) => name.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });
});
