import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadPieces } from '../../src/distribute/fetch/download-pieces.js';
import { PieceDownload, type PieceLayout } from '../../src/distribute/fetch/piece-download.js';
import { rankSources, Source } from '../../src/distribute/fetch/source.js';
import { hashFile } from '../../src/distribute/pieces.js';
import { sha256, tempFolder } from '../helpers.js';
import { faultServer, type FaultServer } from '../../bench/fault-servers.js';

const PIECE = 16 * 1024;
const servers: FaultServer[] = [];

async function fileAndLayout(size: number): Promise<{ file: Buffer; layout: PieceLayout; folder: string }> {
  const folder = await tempFolder();
  const file = randomBytes(size);
  await writeFile(join(folder, 'original'), file);
  const hashes = await hashFile(join(folder, 'original'), size, PIECE);
  return { file, folder, layout: { size, pieceLength: PIECE, pieceHashes: hashes.sha256Pieces } };
}

async function serve(file: Buffer, fault: Parameters<typeof faultServer>[1] = {}): Promise<FaultServer> {
  const server = await faultServer(file, fault);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('a download from several sources', () => {
  it('finishes byte-identical from one liar, one slow and one dying source, each doing its share', async () => {
    const { file, layout, folder } = await fileAndLayout(2 * 1024 * 1024);
    const good = await serve(file, { bytesPerSecond: 2_000_000 });
    const liar = await serve(file, { corrupt: { pieceLength: PIECE, pieces: [0, 5, 9, 40, 77, 120] } });
    const slow = await serve(file, { bytesPerSecond: 400_000 });
    const dying = await serve(file, { bytesPerSecond: 2_000_000, diesAfter: 600_000 });
    const sources = [good, liar, slow, dying].map((server) => new Source(server.url));
    const dropped: string[] = [];
    const part = join(folder, 'copy.part');
    const summary = await downloadPieces(layout, sources, part, {
      activeSources: 4,
      onDrop: (source) => dropped.push(source.url),
    });
    expect(sha256(await readFile(part))).toBe(sha256(file));
    expect(summary.fetched).toBe(layout.pieceHashes.length);
    const [fromGood, fromLiar, fromSlow, fromDying] = sources;
    expect(fromLiar!.dropped).toMatch(/do not match the piece hashes/);
    expect(fromDying!.dropped).toMatch(/failed 3 times in a row/);
    expect(fromGood!.dropped).toBeUndefined();
    expect(fromSlow!.dropped).toBeUndefined();
    expect(dropped.sort()).toEqual([liar.url, dying.url].sort());
    // Shared by speed: the good source most, the slow one some, the dying one until it died.
    expect(fromGood!.pieces).toBeGreaterThan(fromSlow!.pieces);
    expect(fromSlow!.pieces).toBeGreaterThan(0);
    expect(fromDying!.pieces).toBeGreaterThan(0);
    // The liar's pieces before it was caught were checked like any other.
    expect(fromGood!.pieces + fromSlow!.pieces + fromDying!.pieces + fromLiar!.pieces).toBe(layout.pieceHashes.length);
  });

  it('keeps what it fetched when every source dies, and a later run fetches only the rest', async () => {
    const { file, layout, folder } = await fileAndLayout(1024 * 1024);
    const dying = await Promise.all([1, 2, 3].map(() => serve(file, { diesAfter: 200_000 })));
    const part = join(folder, 'copy.part');
    const failed = downloadPieces(
      layout,
      dying.map((server) => new Source(server.url)),
      part,
      { retries: 2 },
    );
    await expect(failed).rejects.toThrow(/No source is left to fetch \d+ pieces .*run again to go on/);
    const good = await serve(file);
    const resumed = await downloadPieces(layout, [new Source(good.url)], part);
    expect(resumed.held).toBeGreaterThan(0);
    expect(resumed.fetched).toBe(layout.pieceHashes.length - resumed.held);
    expect(good.sent).toBeLessThan(file.length);
    expect(sha256(await readFile(part))).toBe(sha256(file));
  });

  it('refuses a Metalink whose piece hashes no source matches, naming why each was dropped', async () => {
    const { file, layout, folder } = await fileAndLayout(256 * 1024);
    const other = randomBytes(file.length);
    const sources = await Promise.all([1, 2].map(() => serve(other)));
    const attempt = downloadPieces(
      layout,
      sources.map((server) => new Source(server.url)),
      join(folder, 'copy.part'),
    );
    await expect(attempt).rejects.toThrow(/do not match the piece hashes.*do not match the piece hashes/);
  });

  it('at the end asks a fast source for what a slow one holds, each piece once, and ends when all are written', async () => {
    const { file, layout } = await fileAndLayout(4 * PIECE);
    const slow = await serve(file, { answerAfterMs: 1500 });
    const fast = await serve(file);
    const written: number[] = [];
    await new PieceDownload(layout, [new Source(slow.url), new Source(fast.url)]).fetch([0, 1, 2, 3], async (index) => {
      await new Promise((resolve) => setTimeout(resolve, 20 * (4 - index)));
      written.push(index);
    });
    expect(written.sort()).toEqual([0, 1, 2, 3]);
    // Two pieces its own, the two the slow source held, and nothing kept already asked again.
    expect(fast.requests).toBe(4);
  });

  it('ranks by measured latency, then the country the Metalink places a mirror in, then its priority', () => {
    const france = new Source('http://fr.example.org/f', 1, 'fr');
    const kenya = new Source('http://ke.example.org/f', 2, 'ke');
    const anywhere = new Source('http://any.example.org/f', 3);
    const order = (country?: string) =>
      rankSources([france, kenya, anywhere], false, country).map((source) => source.url);
    expect(order()).toEqual([france.url, kenya.url, anywhere.url]);
    expect(order('ke')).toEqual([kenya.url, france.url, anywhere.url]);
    // Measured latencies decide when far apart; alike (one band), the country still does.
    anywhere.latencyMs = 5;
    expect(order('ke')[0]).toBe(anywhere.url);
    [france.latencyMs, kenya.latencyMs, anywhere.latencyMs] = [41.37, 41.52, 300];
    expect(order('ke')).toEqual([kenya.url, france.url, anywhere.url]);
    expect(order()).toEqual([france.url, kenya.url, anywhere.url]);
  });

  it('asks the nearest sources when there are more than it asks at once', async () => {
    const { file, layout, folder } = await fileAndLayout(512 * 1024);
    const far = await Promise.all([1, 2].map(() => serve(file, { answerAfterMs: 300 })));
    const near = await Promise.all([1, 2].map(() => serve(file)));
    const sources = [...far, ...near].map((server) => new Source(server.url));
    await downloadPieces(layout, sources, join(folder, 'copy.part'), { activeSources: 2 });
    expect(sources.map((source) => source.pieces > 0)).toEqual([false, false, true, true]);
    expect(sources[2]!.latencyMs!).toBeLessThan(sources[0]!.latencyMs!);
  });

  it('asks LAN sources first with preferLan, and others only once none of those is left', async () => {
    const { file, layout, folder } = await fileAndLayout(512 * 1024);
    const near = await serve(file);
    const far = new Source('http://192.0.2.1:9/file'); // a documentation address: never reachable
    const sources = [far, new Source(near.url, 2)];
    const summary = await downloadPieces(layout, sources, join(folder, 'copy.part'), { preferLan: true });
    expect(summary.fetched).toBe(layout.pieceHashes.length);
    // Never asked: the LAN source finished first.
    expect(far.pieces).toBe(0);
    expect(far.failures).toBe(0);
    expect(far.dropped).toBeUndefined();
  });
});
