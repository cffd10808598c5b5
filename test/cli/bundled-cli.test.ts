import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO, tempFolder } from '../helpers.js';

const run = promisify(execFile);
/** The package's bin: the whole CLI bundled by esbuild, as `npm install` puts it on the path. */
const BIN = join(REPO, 'dist/cli/ferry.mjs');

describe('the CLI bundled in one file', () => {
  it("is the package's bin and tells its version", async () => {
    const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      version: string;
      bin: { ferry: string };
    };
    expect(manifest.bin.ferry).toBe('dist/cli/ferry.mjs');
    expect((await run(process.execPath, [BIN, '--version'])).stdout.trim()).toBe(manifest.version);
  });

  it('packs a MediaWiki dump with its render workers, then finds a page in it', async () => {
    const folder = await tempFolder();
    const output = join(folder, 'wiki.ferry');
    const dump = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');
    await run(process.execPath, [BIN, 'pack', '--kind', 'mediawiki', dump, '-o', output, '--threads', '2']);
    const { stdout } = await run(process.execPath, [BIN, 'search', output, 'water', '--json']);
    expect((JSON.parse(stdout) as { total: number }).total).toBeGreaterThan(0);
    const verified = await run(process.execPath, [BIN, 'verify', output]);
    expect(verified.stdout).toMatch(/: \d+ entries, .*: OK$/m);
  });
});
