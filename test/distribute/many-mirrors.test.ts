import { copyFile, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/program.js';
import { packEdition, packSample, runCli, serveLibrary, sha256, tempFolder } from '../helpers.js';
import { faultServer, type Fault, type FaultServer } from '../../bench/fault-servers.js';
import { parseMetalink } from '../../src/distribute/metalink-parse.js';
import { hashFile } from '../../src/distribute/pieces.js';

type Served = Awaited<ReturnType<typeof serveLibrary>>;

/** Two libraries holding the same published bundle, whose Metalink also names a lying and a slow mirror. */
async function publishedTwice(folder: string, bundle: string, extraMirrors: FaultServer[]): Promise<Served[]> {
  const shelves = [join(folder, 'library-a'), join(folder, 'library-b')];
  const published = join(folder, 'published', 'click_docs_en.ferry');
  await mkdir(join(folder, 'published'), { recursive: true });
  await copyFile(bundle, published);
  const mirrors = extraMirrors.flatMap((server) => ['--mirror', server.url.replace(/[^/]*$/, '')]);
  const run = await runCli([
    'publish',
    published,
    '--base-url',
    extraMirrors[0]!.url.replace(/[^/]*$/, ''),
    ...mirrors,
  ]);
  expect(run.code, run.stderr).toBe(0);
  const libraries: Served[] = [];
  for (const shelf of shelves) {
    await mkdir(shelf);
    for (const suffix of ['', '.meta4', '.sha256'])
      await copyFile(published + suffix, join(shelf, `click_docs_en.ferry${suffix}`));
    libraries.push(await serveLibrary(shelf));
  }
  return libraries;
}

/**
 * A mirror that serves `served` at any path and, beside it, the Metalink of `edition` naming that
 * mirror ("file", relative to the .meta4) as its only source.
 */
async function beside(edition: string, served: Buffer, fault: Fault = {}): Promise<FaultServer> {
  const published = await runCli(['publish', edition, '--base-url', 'http://127.0.0.1:9/']);
  expect(published.code, published.stderr).toBe(0);
  const metalink = (await readFile(`${edition}.meta4`, 'utf8')).replace('http://127.0.0.1:9/next.ferry', 'file');
  return faultServer(served, { ...fault, metalink });
}

describe('fetching from many mirrors', () => {
  let folder: string;
  let bundle: string;
  const closing: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    folder = await tempFolder();
    bundle = await packSample(folder);
  });
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((close) => close()));
  });

  it('mirrors from two libraries and the Metalink’s mirrors, drops the liar, and offers the copy in turn', async () => {
    const file = await readFile(bundle);
    const liar = await faultServer(file, {
      corrupt: { pieceLength: 16 * 1024, pieces: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    });
    const slow = await faultServer(file, { bytesPerSecond: 100_000 });
    closing.push(liar.close, slow.close);
    const work = join(folder, 'mirror-case');
    const [a, b] = await publishedTwice(work, bundle, [liar, slow]);
    closing.push(a!.close, b!.close);
    const target = join(work, 'target');

    const run = await runCli(['mirror', a!.base, b!.base, target]);
    expect(run.code, run.stderr).toBe(0);
    expect(sha256(await readFile(join(target, 'click_docs_en.ferry')))).toBe(sha256(file));
    expect(run.stderr).toMatch(/downloaded click_docs_en from [2-4] sources/);
    const liarUrl = liar.url.replace(/[^/]*$/, 'click_docs_en.ferry');
    expect(run.stderr).toContain(
      `dropped ${liarUrl} (click_docs_en): it sent bytes that do not match the piece hashes`,
    );
    expect((await readdir(target)).sort()).toEqual([
      'click_docs_en.ferry',
      'click_docs_en.ferry.meta4',
      'click_docs_en.ferry.sha256',
    ]);

    // The copy's library names itself, the library it came from and the published mirrors.
    const copy = await serveLibrary(target);
    closing.push(copy.close);
    const meta4 = await (await fetch(`${copy.base}/download/click_docs_en.meta4`)).text();
    expect(meta4).toContain(`<url priority="1">${copy.base}/download/click_docs_en</url>`);
    expect(meta4).toContain(`<url priority="1">${a!.base}/download/click_docs_en</url>`);
    expect(meta4).toContain(`>${liarUrl}</url>`);

    // And a third library fills itself from the copy alone, learning the others from its Metalink.
    const third = join(work, 'third');
    const fromCopy = await runCli(['mirror', copy.base, third]);
    expect(fromCopy.code, fromCopy.stderr).toBe(0);
    expect(sha256(await readFile(join(third, 'click_docs_en.ferry')))).toBe(sha256(file));
  });

  it('makes a Metalink for a bundle nobody published, so two libraries that hold it are two sources', async () => {
    const work = join(folder, 'unpublished-case');
    const [one, two] = [join(work, 'one'), join(work, 'two')];
    await mkdir(one, { recursive: true });
    await mkdir(two);
    await copyFile(bundle, join(one, 'click.ferry'));
    await copyFile(bundle, join(two, 'click.ferry'));
    const [a, b] = [await serveLibrary(one), await serveLibrary(two)];
    closing.push(a.close, b.close);
    const meta4 = await fetch(`${a.base}/download/click_docs_en.meta4`);
    expect(meta4.status).toBe(200);
    const described = parseMetalink(await meta4.text(), `${a.base}/download/click_docs_en.meta4`);
    const hashes = await hashFile(bundle, (await readFile(bundle)).length, described.pieceLength);
    expect(described.sha256).toBe(hashes.sha256);
    expect(described.pieceHashes).toEqual(hashes.sha256Pieces);
    expect(described.urls.map((url) => url.url)).toEqual([`${a.base}/download/click_docs_en`]);
    expect(await (await fetch(`${a.base}/`)).text()).toContain('href="/download/click_docs_en.meta4"');

    const target = join(work, 'target');
    const run = await runCli(['mirror', a.base, b.base, target]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/downloaded click_docs_en from 2 sources/);
    expect(sha256(await readFile(join(target, 'click_docs_en.ferry')))).toBe(sha256(await readFile(bundle)));
  });

  it('repairs a damaged copy of the same edition with a whole download, saying the old file was damaged', async () => {
    const work = join(folder, 'damaged-case');
    await mkdir(work);
    const [a, b] = await publishedTwice(work, bundle, [await faultServer(await readFile(bundle))]);
    closing.push(a!.close, b!.close);
    const old = join(work, 'old.ferry');
    const damaged = await readFile(bundle);
    damaged[5000] = damaged[5000]! ^ 0xff;
    await writeFile(old, damaged);
    const run = await runCli(['update', old, `${a!.base}/download/click_docs_en`, `${b!.base}/download/click_docs_en`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/note: the old file was damaged .*fetched whole/);
    expect(sha256(await readFile(old))).toBe(sha256(await readFile(bundle)));
  });

  it('serves a Metalink made from the bundle when the published one is of an older edition', async () => {
    const work = join(folder, 'stale-case');
    const shelf = join(work, 'shelf');
    await mkdir(shelf, { recursive: true });
    await copyFile(bundle, join(shelf, 'click.ferry'));
    expect((await runCli(['publish', join(shelf, 'click.ferry'), '--base-url', 'http://127.0.0.1:9/'])).code).toBe(0);
    // A new edition moved in; the old .meta4 stays beside it.
    await packEdition(join(work, 'next.ferry'), 'Stale');
    await rename(join(work, 'next.ferry'), join(shelf, 'click.ferry'));
    const served = await serveLibrary(shelf);
    closing.push(served.close);
    const xml = await (await fetch(`${served.base}/download/click_docs_en.meta4`)).text();
    const described = parseMetalink(xml, `${served.base}/download/click_docs_en.meta4`);
    expect(described.sha256).toBe(sha256(await readFile(join(shelf, 'click.ferry'))));
    expect(xml).not.toContain('127.0.0.1:9');
  });

  it('updates a bundle from several mirrors of the new edition, each piece checked', async () => {
    const work = join(folder, 'update-case');
    await mkdir(work);
    const next = join(work, 'next.ferry');
    await packEdition(next, 'Click, again');
    const file = await readFile(next);
    const everyPiece = Array.from({ length: Math.ceil(file.length / 16384) }, (_, i) => i);
    const liar = await faultServer(file, { corrupt: { pieceLength: 16 * 1024, pieces: everyPiece } });
    closing.push(liar.close);
    const [a, b] = await publishedTwice(work, next, [liar]);
    closing.push(a!.close, b!.close);
    const old = join(work, 'old.ferry');
    await copyFile(bundle, old);

    // The liar first: its workers take the first pieces, so it is caught in any run.
    const run = await runCli([
      'update',
      old,
      liar.url,
      `${a!.base}/download/click_docs_en`,
      `${b!.base}/download/click_docs_en`,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^updated /m);
    expect(sha256(await readFile(old))).toBe(sha256(file));
    expect(run.stderr).toContain(
      `dropped ${liar.url} (0 pieces, 0 B): it sent bytes that do not match the piece hashes`,
    );
  });

  it('updates with a whole download, checked against the Metalink, from a server without Range requests', async () => {
    const work = join(folder, 'no-ranges-case');
    await mkdir(work);
    const next = join(work, 'next.ferry');
    await packEdition(next, 'Whole');
    const plain = await beside(next, await readFile(next), { noRanges: true });
    closing.push(plain.close);
    const old = join(work, 'old.ferry');
    await copyFile(bundle, old);
    const run = await runCli(['update', old, `${plain.url}.meta4`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/whole download/);
    expect(sha256(await readFile(old))).toBe(sha256(await readFile(next)));
  });

  it('takes --country as a two-letter code only', async () => {
    const run = await runCli(['mirror', 'http://a.example.org/', join(folder, 'x'), '--country', 'kenya']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--country "kenya" is not a two-letter country code/);
  });

  it('says what is missing when the folder is left out', async () => {
    const run = await runCli(['mirror', 'http://a.example.org/', 'http://b.example.org/']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /The last argument is the folder to copy into, and "http:\/\/b\.example\.org\/" is a URL/,
    );
  });

  it('refuses a .meta4 that matches no source, and keeps the old file', async () => {
    const work = join(folder, 'refuse-case');
    await mkdir(work);
    const next = join(work, 'next.ferry');
    await packEdition(next, 'Other');
    // Its only mirror sends the first edition, whose pieces are not the ones published for the new one.
    const wrong = await beside(next, await readFile(bundle));
    closing.push(wrong.close);
    const old = join(work, 'old.ferry');
    await copyFile(bundle, old);
    const before = sha256(await readFile(old));
    const run = await runCli(['update', old, `${wrong.url}.meta4`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not send the file its Metalink describes .*the old file is kept/);
    expect(sha256(await readFile(old))).toBe(before);
    // Mirrored from the same .meta4: each piece refused, nothing put in place.
    const target = join(work, 'target');
    const mirrored = await runCli(['mirror', `${wrong.url}.meta4`, target]);
    expect(mirrored.code).toBe(1);
    expect(mirrored.stderr).toMatch(/next: No source is left to fetch .*do not match the piece hashes/);
    expect(await readdir(target)).not.toContain('next.ferry');
  });
});

describe('libraries on the local network', () => {
  it('ferry mirror --lan finds a library ferry serve --announce announces, and copies from it', async () => {
    const folder = await tempFolder();
    const shelf = join(folder, 'shelf');
    await mkdir(shelf);
    await copyFile(await packSample(folder), join(shelf, 'click.ferry'));
    // ferry serve as a user runs it, stopped when the test says: on loopback, so nothing leaves this machine.
    let stop: () => void = () => undefined;
    let out = '';
    const started = new Promise<void>((resolve) => {
      const io: CliIO = {
        stdout: {
          write: (chunk: string | Uint8Array) => {
            out += chunk.toString();
            if (out.includes('Press Ctrl+C')) resolve();
          },
        },
        stderr: { write: (chunk: string) => void (out += chunk) },
        interactive: false,
        env: {},
        stopSignal: () => new Promise<void>((resolve) => (stop = resolve)),
      };
      void main(['serve', shelf, '--port', '0', '--host', '127.0.0.1', '--no-qr', '--announce'], io);
    });
    await started;
    const base = /Open (http:\/\/\S+?)\/?\n/.exec(out)![1]!.replace('localhost', '127.0.0.1');
    try {
      const listed = await runCli(['mirror', '--lan', '--lan-interface', '127.0.0.1']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout.toString()).toContain(`${base}/  ferry on `);
      expect(listed.stdout.toString()).toMatch(/\(1 bundles\)/);
      const target = join(folder, 'target');
      const copied = await runCli(['mirror', '--lan', '--lan-interface', '127.0.0.1', target]);
      expect(copied.code, copied.stderr).toBe(0);
      // Other libraries announced on loopback at the same time (another test file's) are found too.
      const found = /^found on the local network: (.*)$/m.exec(copied.stderr)?.[1]?.split(', ');
      expect(found).toContain(`${base}/`);
      expect(await readdir(target)).toContain('click_docs_en.ferry');
    } finally {
      stop();
    }
  });
});
