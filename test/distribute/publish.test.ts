import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import bencode from 'bencode';
import { beforeAll, describe, expect, it } from 'vitest';
import { packSample, runCli, serveLibrary, tempFolder } from '../helpers.js';

interface Torrent {
  announce?: Uint8Array;
  'url-list': Uint8Array[];
  info: { length: number; name: Uint8Array; 'piece length': number; pieces: Uint8Array };
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

describe('ferry publish', () => {
  let bundle: string;
  let data: Buffer;
  const base = 'https://books.example.org/ferry/';
  const mirror = 'https://mirror.example.ke/ferry';

  beforeAll(async () => {
    bundle = await packSample(await tempFolder());
    data = await readFile(bundle);
    const run = await runCli([
      'publish',
      bundle,
      '--base-url',
      base,
      '--mirror',
      `ke=${mirror}`,
      '--tracker',
      'udp://tracker.example.org:1337/announce',
    ]);
    expect(run.code, run.stderr).toBe(0);
  });

  it('writes a .sha256 that sha256sum -c accepts', () => {
    const output = execFileSync('sha256sum', ['-c', `${basename(bundle)}.sha256`], { cwd: dirname(bundle) }).toString();
    expect(output).toBe(`${basename(bundle)}: OK\n`);
  });

  it('writes a Metalink 4 file with size, SHA-256, piece hashes that match, the mirrors in order and the torrent', async () => {
    const meta4 = await readFile(`${bundle}.meta4`, 'utf8');
    const sha256 = createHash('sha256').update(data).digest('hex');
    expect(meta4).toContain('<metalink xmlns="urn:ietf:params:xml:ns:metalink">');
    expect(meta4).toContain(`<size>${data.length}</size>`);
    expect(meta4).toContain(`<hash type="sha-256">${sha256}</hash>`);
    const length = Number(/<pieces length="(\d+)" type="sha-256">/.exec(meta4)![1]);
    const pieces = [...meta4.matchAll(/<hash>([0-9a-f]{64})<\/hash>/g)].map((match) => match[1]);
    expect(pieces).toHaveLength(Math.ceil(data.length / length));
    pieces.forEach((hash, index) => {
      const piece = data.subarray(index * length, (index + 1) * length);
      expect(hash).toBe(createHash('sha256').update(piece).digest('hex'));
    });
    expect(meta4).toContain(`<url priority="1">${base}click.ferry</url>`);
    expect(meta4).toContain(`<url location="ke" priority="2">${mirror}/click.ferry</url>`);
    expect(meta4).toContain(`<metaurl mediatype="torrent" priority="1">${base}click.ferry.torrent</metaurl>`);
  });

  it('writes a torrent whose pieces match, with the mirrors as web seeds and the tracker given', async () => {
    const torrent = bencode.decode(await readFile(`${bundle}.torrent`)) as Torrent;
    expect(torrent.info.length).toBe(data.length);
    expect(text(torrent.info.name)).toBe('click.ferry');
    const length = torrent.info['piece length'];
    const pieces = Buffer.from(torrent.info.pieces);
    expect(pieces.length).toBe(20 * Math.ceil(data.length / length));
    for (let index = 0; index * length < data.length; index++) {
      const piece = data.subarray(index * length, (index + 1) * length);
      expect(pieces.subarray(index * 20, index * 20 + 20).equals(createHash('sha1').update(piece).digest())).toBe(true);
    }
    expect(torrent['url-list'].map(text)).toEqual([`${base}click.ferry`, `${mirror}/click.ferry`]);
    expect(text(torrent.announce!)).toBe('udp://tracker.example.org:1337/announce');
  });

  it('gives the same files when run again, and no tracker unless one is given', async () => {
    const before = await readFile(`${bundle}.meta4`);
    const again = await runCli(['publish', bundle, '--base-url', base, '--mirror', `ke=${mirror}`]);
    expect(again.code, again.stderr).toBe(0);
    expect((await readFile(`${bundle}.meta4`)).equals(before)).toBe(true);
    const torrent = bencode.decode(await readFile(`${bundle}.torrent`)) as Torrent;
    expect(torrent.announce).toBeUndefined();
  });

  it('offers the published files next to the download and in the catalog', async () => {
    const server = await serveLibrary(dirname(bundle));
    try {
      const meta4 = await fetch(`${server.base}/download/click_docs_en.meta4`);
      expect(meta4.status).toBe(200);
      expect(meta4.headers.get('content-type')).toMatch(/^application\/metalink4\+xml/);
      // The server adds itself as a source, first, before the mirrors the file names.
      const served = await meta4.text();
      const own = `\n    <url priority="1">${server.base}/download/click_docs_en</url>`;
      expect(served).toContain(`</pieces>${own}\n    <url`);
      expect(served.replace(own, '')).toBe(await readFile(`${bundle}.meta4`, 'utf8'));
      const torrent = await fetch(`${server.base}/download/click_docs_en.torrent`);
      expect(torrent.headers.get('content-type')).toMatch(/^application\/x-bittorrent/);
      const library = await (await fetch(`${server.base}/`)).text();
      expect(library).toContain('href="/download/click_docs_en.meta4"');
      expect(library).toContain('href="/download/click_docs_en.torrent"');
      const catalog = await (await fetch(`${server.base}/catalog/entries.xml`)).text();
      expect(catalog).toContain(
        '<link rel="alternate" type="application/metalink4+xml" href="/download/click_docs_en.meta4"/>',
      );
      expect((await fetch(`${server.base}/download/click_docs_en.nothing`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('says what is wrong with a missing file or a bad URL', async () => {
    const missing = await runCli(['publish', '/nonexistent/x.ferry', '--base-url', base]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read "\/nonexistent\/x\.ferry"/);
    const badUrl = await runCli(['publish', bundle, '--base-url', 'ftp:/nowhere']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--base-url "ftp:\/nowhere" is not an http\(s\) URL/);
  });
});
