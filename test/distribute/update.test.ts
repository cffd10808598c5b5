import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, serveLibrary, sha256, tempFolder } from '../helpers.js';

const DUMP = join(REPO, 'test/fixtures/mediawiki/cleanwater-pages-articles.xml');

/** A file server on 127.0.0.1 with hooks to misbehave: no Range, wrong bytes, cut connections. */
async function fileServer(
  file: string,
  options: { ranges?: boolean; corrupt?: boolean; cutFirst?: boolean; wrongDirectory?: boolean } = {},
): Promise<{ url: string; server: Server; requests: number }> {
  const data = await readFile(file);
  const state = { requests: 0, cut: false };
  const server = createServer((request, response) => {
    state.requests++;
    if (request.url?.endsWith('.sha256')) return void response.writeHead(404).end();
    if (request.url?.endsWith('.directory') && options.wrongDirectory) {
      // Says it is the directory, but its bytes are not the file's.
      const start = data.readUInt32LE(data.length - 6);
      const wrong = Buffer.alloc(data.length - start, 7);
      response.writeHead(200, { 'X-Ferry-Directory': `${start}/${data.length}` });
      return void response.end(gzipSync(wrong));
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (!range || options.ranges === false) {
      response.writeHead(200, { 'Content-Length': data.length });
      return void response.end(data);
    }
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), data.length - 1);
    const body = Buffer.from(data.subarray(start, end + 1));
    if (options.corrupt && body.length > 1000) body[Math.floor(body.length / 2)]! ^= 0xff;
    response.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${data.length}`, 'Content-Length': body.length });
    if (options.cutFirst && !state.cut && body.length > 1000) {
      state.cut = true;
      response.write(body.subarray(0, 100));
      return void response.destroy();
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wiki.ferry`,
    server,
    get requests() {
      return state.requests;
    },
  };
}

describe('ferry update', () => {
  let folder: string;
  let oldFile: string;
  let newFile: string;
  let servers: Server[] = [];

  beforeAll(async () => {
    folder = await tempFolder();
    const xml = await readFile(DUMP, 'utf8');
    await mkdir(join(folder, 'served'));
    await writeFile(
      join(folder, 'new.xml'),
      xml.replace('keep it boiling for one minute', 'keep it boiling for three minutes'),
    );
    await runCli(['pack', '--kind', 'mediawiki', DUMP, '-o', join(folder, 'old.ferry')], {
      SOURCE_DATE_EPOCH: '1700000000',
    });
    // The new edition reuses the old one's zstd dictionary, as a publisher of editions does.
    const base = ['--base', join(folder, 'old.ferry')];
    await runCli(
      ['pack', '--kind', 'mediawiki', join(folder, 'new.xml'), '-o', join(folder, 'served', 'wiki.ferry'), ...base],
      { SOURCE_DATE_EPOCH: '1700086400' },
    );
    oldFile = join(folder, 'old.ferry');
    newFile = join(folder, 'served', 'wiki.ferry');
  });
  afterEach(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    servers = [];
  });

  const freshCopy = async (name: string) => {
    const path = join(folder, name);
    await copyFile(oldFile, path);
    return path;
  };

  it('rebuilds the new bundle byte for byte from a ferry server, fetching only part of it', async () => {
    const target = await freshCopy('a.ferry');
    const server = await serveLibrary(join(folder, 'served'));
    try {
      const run = await runCli(['update', target, `${server.base}/download/cleanwaterwiki`]);
      expect(run.code, run.stderr).toBe(0);
      expect(sha256(await readFile(target))).toBe(sha256(await readFile(newFile)));
      const [, fetched, size] = /updated .* \(changed entries only\): ([\d.]+ [KM]?B) fetched of ([\d.]+ [KM]?B)/.exec(
        run.stderr,
      )!;
      // The changed entries, the central directory and its end record: not the 64 KB a ZIP
      // comment might take, nor anything else of the file.
      const bytes = (figure: string) => Number(figure.split(' ')[0]) * (figure.endsWith('KB') ? 1000 : 1);
      expect(bytes(fetched!)).toBeLessThan(bytes(size!) * 0.6);
      const again = await runCli(['update', target, `${server.base}/download/cleanwaterwiki`]);
      expect(again.stderr).toMatch(/is already the same as/);
    } finally {
      await server.close();
    }
  });

  it('reads the directory gzipped from a ferry server, and by Range from others or when it is wrong', async () => {
    const fetchedFrom = async (name: string, url: string) => {
      const target = await freshCopy(name);
      const run = await runCli(['update', target, url]);
      expect(run.code, run.stderr).toBe(0);
      expect(sha256(await readFile(target))).toBe(sha256(await readFile(newFile)));
      return Number(/\(changed entries only\): ([\d.]+) KB fetched/.exec(run.stderr)![1]);
    };
    const server = await serveLibrary(join(folder, 'served'));
    let fromFerry: number;
    try {
      fromFerry = await fetchedFrom('g.ferry', `${server.base}/download/cleanwaterwiki`);
    } finally {
      await server.close();
    }
    const plain = await fileServer(newFile);
    const wrong = await fileServer(newFile, { wrongDirectory: true });
    servers.push(plain.server, wrong.server);
    const fromPlain = await fetchedFrom('h.ferry', plain.url);
    expect(await fetchedFrom('i.ferry', wrong.url)).toBe(fromPlain);
    // Gzip takes more than half off the directory and end records, which every update reads.
    const data = await readFile(newFile);
    const directoryKB = (data.length - data.readUInt32LE(data.length - 6)) / 1000;
    expect(fromPlain - fromFerry).toBeGreaterThan(directoryKB / 2);
  });

  it("gives a repacked bundle's own directory and ETag, not those it gave for the file before", async () => {
    const shelf = join(folder, 'shelf');
    await mkdir(shelf);
    await copyFile(newFile, join(shelf, 'wiki.ferry'));
    // The same pages packed at another time: same content digest and size, other entry times.
    const repack = join(folder, 'repack.ferry');
    const base = ['--base', oldFile];
    await runCli(['pack', '--kind', 'mediawiki', join(folder, 'new.xml'), '-o', repack, ...base], {
      SOURCE_DATE_EPOCH: '1700090000',
    });
    const server = await serveLibrary(shelf);
    try {
      const directoryOf = async () => {
        const response = await fetch(`${server.base}/download/cleanwaterwiki.directory`);
        const [start] = response.headers.get('x-ferry-directory')!.split('/').map(Number);
        return { start: start!, data: gunzipSync(Buffer.from(await response.arrayBuffer())) };
      };
      const etagOf = async () =>
        (await fetch(`${server.base}/download/cleanwaterwiki`, { method: 'HEAD' })).headers.get('etag');
      const etagBefore = await etagOf();
      const before = await directoryOf();
      expect(before.data.equals((await readFile(newFile)).subarray(before.start))).toBe(true);
      // Copied over in place, as a careless publisher does.
      await writeFile(join(shelf, 'wiki.ferry'), await readFile(repack));
      const after = await directoryOf();
      expect(after.data.equals((await readFile(repack)).subarray(after.start))).toBe(true);
      expect(after.data.equals(before.data)).toBe(false);
      // Other bytes, another ETag: a download resumed with If-Range does not mix the two files.
      expect(await etagOf()).not.toBe(etagBefore);
    } finally {
      await server.close();
    }
  });

  it('downloads the whole file from a server without Range requests', async () => {
    const target = await freshCopy('b.ferry');
    const plain = await fileServer(newFile, { ranges: false });
    servers.push(plain.server);
    const run = await runCli(['update', target, plain.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/whole download/);
    expect(sha256(await readFile(target))).toBe(sha256(await readFile(newFile)));
  });

  it('keeps the old file when the server sends wrong bytes, and leaves no temporary file', async () => {
    const target = await freshCopy('c.ferry');
    const before = sha256(await readFile(target));
    const liar = await fileServer(newFile, { corrupt: true });
    servers.push(liar.server);
    const run = await runCli(['update', target, liar.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not verify.*the old file is kept/);
    expect(sha256(await readFile(target))).toBe(before);
    expect((await readdir(folder)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('tries again when the connection is cut in the middle of a range', async () => {
    const target = await freshCopy('d.ferry');
    const flaky = await fileServer(newFile, { cutFirst: true });
    servers.push(flaky.server);
    const run = await runCli(['update', target, flaky.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(sha256(await readFile(target))).toBe(sha256(await readFile(newFile)));
  });

  it('says so when the URL is not there', async () => {
    const target = await freshCopy('e.ferry');
    const server = await serveLibrary(join(folder, 'served'));
    try {
      const run = await runCli(['update', target, `${server.base}/download/nothing`]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/is not there \(404\)/);
    } finally {
      await server.close();
    }
  });
});

describe('ferry update of a site with many pages', () => {
  it('rebuilds the path index from the old one, fetching only its changed blocks', async () => {
    const folder = await tempFolder();
    const page = (i: number, extra = '') =>
      `<!doctype html><title>Page ${i}</title><p>Notes on river crossing number ${i}.${extra}</p>`;
    for (const [site, edited] of [
      ['old-site', -1],
      ['new-site', 123],
    ] as const) {
      await mkdir(join(folder, site));
      for (let i = 0; i < 600; i++) {
        await writeFile(join(folder, site, `page-${i}.html`), page(i, i === edited ? ' Revised.' : ''));
      }
    }
    await mkdir(join(folder, 'served'));
    const oldFile = join(folder, 'site.ferry');
    const newFile = join(folder, 'served', 'site.ferry');
    const epoch = { SOURCE_DATE_EPOCH: '1700000000' };
    expect((await runCli(['pack', join(folder, 'old-site'), '-o', oldFile, '--name', 'site'], epoch)).code).toBe(0);
    const base = ['--base', oldFile];
    expect(
      (await runCli(['pack', join(folder, 'new-site'), '-o', newFile, '--name', 'site', ...base], epoch)).code,
    ).toBe(0);

    const { Bundle } = await import('../../src/bundle/reader.js');
    const { diffBundles } = await import('../../src/distribute/diff.js');
    const [older, newer] = await Promise.all([Bundle.open(oldFile), Bundle.open(newFile)]);
    const changes = diffBundles(older, newer);
    let step = await changes.next();
    while (!step.done) step = await changes.next();
    const changedBytes = step.value.changedBytes;
    const { readLastCentralRecord, readZipTail } = await import('../../src/bundle/zip-tail.js');
    const tail = await readZipTail(newer.source);
    const directory = newer.source.size - tail.centralDirectoryOffset;
    const indexBytes = (await readLastCentralRecord(newer.source, tail, 'ferry/index')).compressedSize;
    await Promise.all([older.close(), newer.close()]);

    const server = await serveLibrary(join(folder, 'served'));
    try {
      const run = await runCli(['update', oldFile, `${server.base}/download/site`]);
      expect(run.code, run.stderr).toBe(0);
      expect(sha256(await readFile(oldFile))).toBe(sha256(await readFile(newFile)));
      const [, figure, unit] = /([\d.]+) (B|KB|MB) fetched/.exec(run.stderr)!;
      const fetched = Number(figure) * { B: 1, KB: 1e3, MB: 1e6 }[unit as 'B' | 'KB' | 'MB'];
      // The changed entries and the directory, and of the index only its head, table and a few blocks.
      expect(fetched).toBeLessThan(changedBytes + directory + indexBytes / 2);
      // Large enough that fetching it whole would show: 600 pages make some 28 KB of deflated index.
      expect(indexBytes).toBeGreaterThan(20_000);
    } finally {
      await server.close();
    }
  });
});
