import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempFolder } from '../helpers.js';

const CLI = join(REPO, 'dist/cli/ferry.mjs');
const FIXTURE = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');

/** A dump long enough to interrupt: the fixture's siteinfo, then many small linked pages. */
async function largeDump(path: string, pages: number): Promise<void> {
  const xml = await readFile(FIXTURE, 'utf8');
  const parts = [xml.slice(0, xml.indexOf('</siteinfo>') + '</siteinfo>'.length)];
  for (let i = 1; i <= pages; i++) {
    const text = `'''Town ${i}''' is a town near [[Town ${(i * 31) % pages}]].\n== History ==\nIt has a well.`;
    parts.push(
      `<page><title>Town ${i}</title><ns>0</ns><id>${i}</id><revision><id>${i}</id>` +
        `<timestamp>2026-10-01T00:00:00Z</timestamp><text xml:space="preserve">${text}</text></revision></page>`,
    );
  }
  parts.push('</mediawiki>');
  await writeFile(path, parts.join('\n'));
}

describe('interrupting a pack', () => {
  it('removes the half-written bundle and its temporary files on Ctrl-C, and leaves the target alone', async () => {
    const folder = await tempFolder();
    const dump = join(folder, 'towns.xml');
    await largeDump(dump, 60_000);
    await writeFile(join(folder, 'towns.ferry'), 'the old bundle');

    const child = spawn(process.execPath, [
      CLI,
      'pack',
      '--kind',
      'mediawiki',
      dump,
      '-o',
      join(folder, 'towns.ferry'),
      '--threads',
      '1',
    ]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until the second pass is writing the bundle, then interrupt.
    for (let tries = 0; tries < 600; tries++) {
      const names = await readdir(folder);
      if (names.some((name) => name.endsWith('.tmp'))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await readdir(folder)).some((name) => name.endsWith('.tmp'))).toBe(true);
    child.kill('SIGINT');

    expect(await exited).toBe(130);
    expect(stderr).toContain('Interrupted: nothing was written');
    expect((await readdir(folder)).sort()).toEqual(['towns.ferry', 'towns.xml']);
    expect(await readFile(join(folder, 'towns.ferry'), 'utf8')).toBe('the old bundle');
  }, 60_000);
});
