import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import { runCli, SAMPLE_SITE, serveLibrary, sha256, tempFolder } from '../helpers.js';

describe('identical files are stored once', () => {
  let folder: string;
  let site: string;
  beforeAll(async () => {
    folder = await tempFolder();
    site = join(folder, 'site');
    await cp(SAMPLE_SITE, site, { recursive: true });
    // A mirror often holds the same file at two paths: a logo per section, a page under two names.
    await mkdir(join(site, 'copy'));
    await cp(join(site, '_images/click-logo.png'), join(site, 'copy/logo.png'));
    await cp(join(site, 'api.html'), join(site, 'copy/api.html'));
  });

  it.each(['compact', 'deflate'])(
    'in a %s bundle: the data once, the copy a link to it, both names read and served',
    async (mode) => {
      const output = join(folder, `${mode}.ferry`);
      const run = await runCli(['pack', site, '-o', output, '--compression', mode, '--name', mode]);
      expect(run.code, run.stderr).toBe(0);
      const links = execFileSync('python3', [
        '-c',
        'import sys, zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist():\n  if i.external_attr >> 28 == 0xA: print(i.filename, i.file_size)',
        output,
      ]).toString();
      // The copies are symbolic links to the first file, a few bytes each.
      expect(links).toContain('content/copy/logo.png 25\n');
      expect(links).toContain('content/copy/api.html 11\n');
      if (mode === 'deflate') {
        expect(execFileSync('unzip', ['-t', output]).toString()).toContain('No errors detected');
        const extracted = join(folder, 'extracted');
        execFileSync('unzip', ['-q', output, '-d', extracted]);
        expect(sha256(await readFile(join(extracted, 'content/copy/logo.png')))).toBe(
          sha256(await readFile(join(site, 'copy/logo.png'))),
        );
      }
      expect((await runCli(['verify', output])).code).toBe(0);

      const bundle = await Bundle.open(output);
      try {
        const [first, copy] = await Promise.all(
          ['api.html', 'copy/api.html'].map((path) => bundle.resolveContent(path)),
        );
        expect(copy!.locator.offset).toBe(first!.locator.offset);
        expect(bundle.manifest.counts.pages).toBe(28);
      } finally {
        await bundle.close();
      }
      const served = join(folder, `served-${mode}`);
      await mkdir(served);
      await cp(output, join(served, `${mode}.ferry`));
      const server = await serveLibrary(served);
      try {
        for (const path of ['copy/logo.png', 'copy/api.html', 'api.html']) {
          const response = await fetch(`${server.base}/content/${mode}/${path}`);
          expect(response.status, path).toBe(200);
          const source = path.startsWith('copy/logo') ? '_images/click-logo.png' : 'api.html';
          expect(sha256(Buffer.from(await response.arrayBuffer())), path).toBe(
            sha256(await readFile(join(SAMPLE_SITE, source))),
          );
        }
      } finally {
        await server.close();
      }
    },
  );
});
