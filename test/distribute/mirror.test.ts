import { copyFile, mkdir, readdir, readFile, stat, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packSample, REPO, runCli, serveLibrary, sha256, tempFolder } from '../helpers.js';

const DUMP = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');

/** A plain HTTP folder: an index page linking the files, Range requests, and ways to misbehave. */
async function staticFolder(
  folder: string,
  faults: { cutFirst?: boolean; corrupt?: boolean; noRanges?: boolean; noMetalink?: boolean } = {},
) {
  const seen: string[] = [];
  let cut = false;
  const server = createServer(async (request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1));
    seen.push(`${name} ${request.headers.range ?? ''}`.trim());
    if (name === '') {
      const links = (await readdir(folder)).map((file) => `<a href="${file}">${file}</a>`);
      return void response.end(`<html><body>${links.join('<br>')}</body></html>`);
    }
    const hidden = faults.noMetalink && name.endsWith('.meta4');
    const data = hidden ? undefined : await readFile(join(folder, name)).catch(() => undefined);
    if (!data || name.includes('/')) return void response.writeHead(404).end();
    const range = faults.noRanges ? null : /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Number(range[2]) : data.length - 1;
    const body = Buffer.from(data.subarray(start, end + 1));
    if (faults.corrupt && body.length > 100_000) body[5000]! ^= 0xff;
    const headers = { 'Content-Length': body.length, 'Accept-Ranges': 'bytes' };
    if (range) response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${data.length}` });
    else response.writeHead(200, headers);
    if (faults.cutFirst && !cut && body.length > 100_000) {
      cut = true;
      response.write(body.subarray(0, 50_000));
      return void setTimeout(() => response.destroy(), 20);
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, seen };
}

describe('ferry mirror', () => {
  let source: string;
  let folder: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    folder = await tempFolder();
    source = join(folder, 'source');
    await mkdir(source);
    await copyFile(await packSample(folder), join(source, 'click_docs_en.ferry'));
    const wiki = join(source, 'cleanwaterwiki.ferry');
    expect((await runCli(['pack', '--kind', 'mediawiki', DUMP, '-o', wiki])).code).toBe(0);
    for (const file of ['click_docs_en.ferry', 'cleanwaterwiki.ferry']) {
      expect((await runCli(['publish', join(source, file), '--base-url', 'http://127.0.0.1/'])).code).toBe(0);
    }
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const same = async (a: string, b: string) => sha256(await readFile(a)) === sha256(await readFile(b));

  it("copies a ferry server's library, then leaves it alone when nothing changed", async () => {
    const target = join(folder, 'from-server');
    const server = await serveLibrary(source);
    try {
      const first = await runCli(['mirror', server.base, target]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/2 downloaded .* 0 up to date, 0 not wanted, 0 failed/);
      expect(await same(join(target, 'click_docs_en.ferry'), join(source, 'click_docs_en.ferry'))).toBe(true);
      expect(await same(join(target, 'cleanwaterwiki.ferry'), join(source, 'cleanwaterwiki.ferry'))).toBe(true);
      const before = (await stat(join(target, 'click_docs_en.ferry'))).mtimeMs;
      const second = await runCli(['mirror', server.base, target]);
      expect(second.stderr).toMatch(/0 downloaded .* 2 up to date/);
      expect((await stat(join(target, 'click_docs_en.ferry'))).mtimeMs).toBe(before);
    } finally {
      await server.close();
    }
  });

  it('takes only what --max-size and --lang allow', async () => {
    const server = await serveLibrary(source);
    try {
      const small = await runCli(['mirror', server.base, join(folder, 'small'), '--max-size', '100k']);
      expect(small.code, small.stderr).toBe(0);
      // The published files come along, so this library can offer them in turn.
      expect((await readdir(join(folder, 'small'))).sort()).toEqual([
        'cleanwaterwiki.ferry',
        'cleanwaterwiki.ferry.meta4',
        'cleanwaterwiki.ferry.sha256',
      ]);
      const french = await runCli(['mirror', server.base, join(folder, 'french'), '--lang', 'fra']);
      expect(french.stderr).toMatch(/0 downloaded .* 2 not wanted/);
    } finally {
      await server.close();
    }
  });

  it('reads a plain HTTP folder, and resumes a download cut in the middle with a Range request', async () => {
    // Without a Metalink: one source, the file in one request, resumed where it was cut.
    const plain = await staticFolder(source, { cutFirst: true, noMetalink: true });
    servers.push(plain.server);
    const target = join(folder, 'from-folder');
    const run = await runCli(['mirror', plain.url, target]);
    expect(run.code, run.stderr).toBe(0);
    expect(await same(join(target, 'click_docs_en.ferry'), join(source, 'click_docs_en.ferry'))).toBe(true);
    expect(plain.seen.some((line) => /^click_docs_en\.ferry bytes=5\d{4}-$/.test(line))).toBe(true);
    expect((await readdir(target)).filter((file) => file.endsWith('.ferry')).sort()).toEqual([
      'cleanwaterwiki.ferry',
      'click_docs_en.ferry',
    ]);
  });

  it('does not put in place a file whose bytes are wrong, and says which failed', async () => {
    const liar = await staticFolder(source, { corrupt: true, noMetalink: true });
    servers.push(liar.server);
    const target = join(folder, 'from-liar');
    const run = await runCli(['mirror', liar.url, target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/click_docs_en: its SHA-256 is not the published one/);
    expect((await readdir(target)).filter((file) => file.endsWith('.ferry'))).toEqual(['cleanwaterwiki.ferry']);
  });

  it('starts a cut download over when the server has no Range requests', async () => {
    const plain = await staticFolder(source, { cutFirst: true, noRanges: true });
    servers.push(plain.server);
    const target = join(folder, 'no-ranges');
    const run = await runCli(['mirror', plain.url, target]);
    expect(run.code, run.stderr).toBe(0);
    expect(await same(join(target, 'click_docs_en.ferry'), join(source, 'click_docs_en.ferry'))).toBe(true);
  });

  it('stops a download on a full disk with a clear message, placing nothing', async () => {
    const server = await serveLibrary(source);
    try {
      const target = join(folder, 'full-disk');
      await mkdir(target);
      // The kernel's /dev/full answers every write with "no space left on device".
      await symlink('/dev/full', join(target, '.click_docs_en.ferry.part'));
      const run = await runCli(['mirror', server.base, target]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/click_docs_en: The disk is full while writing .*; free some space and run again/);
      expect(await readdir(target)).not.toContain('click_docs_en.ferry');
    } finally {
      await server.close();
    }
  });

  it('lets only one run at a time work in a folder', async () => {
    const server = await serveLibrary(source);
    try {
      const target = join(folder, 'twice');
      const runs = await Promise.all([
        runCli(['mirror', server.base, target]),
        runCli(['mirror', server.base, target]),
      ]);
      expect(runs.map((run) => run.code).sort()).toEqual([0, 1]);
      expect(runs.find((run) => run.code === 1)!.stderr).toMatch(/Another ferry mirror \(process \d+\) is working in/);
      expect(await same(join(target, 'click_docs_en.ferry'), join(source, 'click_docs_en.ferry'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
