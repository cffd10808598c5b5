import { mkdir, readFile, readdir, writeFile, cp } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bundle } from '../../src/bundle/reader.js';
import {
  damageEntry,
  packSample,
  runCli,
  SAMPLE_METADATA,
  SAMPLE_SITE,
  serveLibrary,
  sha256,
  tempFolder,
} from '../helpers.js';

/** The body as it crosses the network (fetch would undo gzip). */
function get(url: string, encoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'Accept-Encoding': encoding } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        expect(response.statusCode).toBe(200);
        resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) });
      });
    })
      .on('error', reject)
      .end();
  });
}

describe('compact bundles (zstd with a dictionary)', () => {
  let folder: string;
  let compact: string;
  let deflate: string;
  beforeAll(async () => {
    folder = await tempFolder();
    compact = await packSample(await tempFolder());
    deflate = await packSample(await tempFolder(), ['--compression', 'deflate']);
  });

  it('are smaller than deflate bundles of the same site, with the same content digest', async () => {
    const [small, large] = await Promise.all([Bundle.open(compact), Bundle.open(deflate)]);
    try {
      expect(small.source.size).toBeLessThan(large.source.size * 0.95);
      expect(small.manifest.compression).toBe('compact');
      expect(small.manifest.version).toBe(6);
      expect(large.manifest.version).toBe(6);
      expect(small.manifest.contentDigest).toBe(large.manifest.contentDigest);
    } finally {
      await Promise.all([small.close(), large.close()]);
    }
  });

  it('serve a page as the same gzip bytes a deflate bundle sends, and as the source bytes to others', async () => {
    const served = join(folder, 'served');
    await mkdir(join(served, 'a'), { recursive: true });
    await mkdir(join(served, 'b'));
    await cp(compact, join(served, 'a', 'click.ferry'));
    await cp(deflate, join(served, 'b', 'click.ferry'));
    const [one, two] = await Promise.all([serveLibrary(join(served, 'a')), serveLibrary(join(served, 'b'))]);
    try {
      const name = 'click_docs_en';
      const page = `content/${name}/api.html`;
      const zipped = await get(`${one.base}/${page}`, 'gzip');
      expect(zipped.encoding).toBe('gzip');
      const fromDeflate = await get(`${two.base}/${page}`, 'gzip');
      expect(sha256(zipped.body)).toBe(sha256(fromDeflate.body));
      const source = await readFile(join(SAMPLE_SITE, 'api.html'));
      expect(sha256(gunzipSync(zipped.body))).toBe(sha256(source));
      const plain = await get(`${one.base}/${page}`, 'identity');
      expect(plain.encoding).toBeUndefined();
      expect(sha256(plain.body)).toBe(sha256(source));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('refuse every zstd page of a bundle whose dictionary is damaged, naming the dictionary', async () => {
    const damaged = join(folder, 'damaged-dictionary.ferry');
    await damageEntry(compact, damaged, 'ferry/zstd-dictionary', 1000);
    const bundle = await Bundle.open(damaged);
    try {
      const page = (await bundle.resolveContent('api.html'))!;
      await expect(bundle.read(page)).rejects.toThrow(/"ferry\/zstd-dictionary" is damaged.*ferry verify/);
      // Stored files do not need it and still read.
      const logo = (await bundle.resolveContent('_images/click-logo.png'))!;
      expect((await bundle.read(logo)).length).toBe(logo.locator.size);
    } finally {
      await bundle.close();
    }
    const report = JSON.parse((await runCli(['verify', damaged, '--json'])).stdout.toString());
    expect(report.ok).toBe(false);
    expect(report.errors[0].entry).toBe('ferry/zstd-dictionary');
  });

  it('convert to the deflate bundle a pack makes, byte for byte, and back to a readable compact one', async () => {
    const converted = join(folder, 'converted.ferry');
    const run = await runCli(['convert', compact, converted, '--compression', 'deflate']);
    expect(run.code, run.stderr).toBe(0);
    expect(sha256(await readFile(converted))).toBe(sha256(await readFile(deflate)));
    const back = join(folder, 'back.ferry');
    expect((await runCli(['convert', converted, back, '--compression', 'compact'])).code).toBe(0);
    const verify = await runCli(['verify', back]);
    expect(verify.code, verify.stdout.toString()).toBe(0);
    const bundle = await Bundle.open(back);
    try {
      const page = (await bundle.resolveContent('api.html'))!;
      expect(page.locator.method).toBe(93);
      expect(sha256(await bundle.read(page))).toBe(sha256(await readFile(join(SAMPLE_SITE, 'api.html'))));
    } finally {
      await bundle.close();
    }
  });

  it('keep unchanged pages byte-identical in a new edition packed with --base', async () => {
    const site = join(folder, 'site');
    await cp(SAMPLE_SITE, site, { recursive: true });
    const page = join(site, 'quickstart.html');
    await writeFile(page, (await readFile(page, 'utf8')).replace('</h1>', ' (revised)</h1>'));
    // A new page, which a dictionary made afresh would learn from.
    await writeFile(
      join(site, 'extra.html'),
      (await readFile(join(site, 'changes.html'), 'utf8')).replace(/Click/g, 'Clack'),
    );
    const epoch = { SOURCE_DATE_EPOCH: '1700000000' };
    const edition = join(folder, 'edition.ferry');
    const withBase = await runCli(['pack', site, '-o', edition, '--base', compact], epoch);
    expect(withBase.code, withBase.stderr).toBe(0);
    const fresh = join(folder, 'fresh.ferry');
    expect((await runCli(['pack', site, '-o', fresh], epoch)).code).toBe(0);

    const [old, kept, rebuilt] = await Promise.all([compact, edition, fresh].map((path) => Bundle.open(path)));
    try {
      const pages = (await readdir(SAMPLE_SITE)).filter((name) => name.endsWith('.html'));
      const same = async (other: Bundle, name: string) => {
        const [a, b] = [await old!.resolveContent(name), await other.resolveContent(name)];
        return (await old!.readRaw(a!)).equals(await other.readRaw(b!));
      };
      for (const name of pages) expect(await same(kept!, name), name).toBe(name !== 'quickstart.html');
      // Made afresh, the dictionary changes, and so do the stored bytes of unchanged pages.
      expect(await same(rebuilt!, 'api.html')).toBe(false);
    } finally {
      await Promise.all([old, kept, rebuilt].map((bundle) => bundle!.close()));
    }
  });

  it('make ferry update say why it fetched so much when an edition was packed without --base', async () => {
    const site = join(folder, 'site-without-base');
    await cp(SAMPLE_SITE, site, { recursive: true });
    await writeFile(
      join(site, 'extra.html'),
      (await readFile(join(site, 'changes.html'), 'utf8')).replace(/Click/g, 'Clack'),
    );
    const served = join(folder, 'served-edition');
    await mkdir(served);
    const args = ['pack', site, '-o', join(served, 'edition.ferry'), '--metadata', SAMPLE_METADATA];
    expect((await runCli(args, { SOURCE_DATE_EPOCH: '1700000000' })).code).toBe(0);
    const target = join(folder, 'to-update.ferry');
    await cp(compact, target);
    const server = await serveLibrary(served);
    try {
      const run = await runCli(['update', target, `${server.base}/download/click_docs_en`]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/note: the new edition has another compression dictionary.*--base/);
      expect(sha256(await readFile(target))).toBe(sha256(await readFile(join(served, 'edition.ferry'))));
    } finally {
      await server.close();
    }
  });
});
