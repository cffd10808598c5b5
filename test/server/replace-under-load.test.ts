import { cp, mkdir, open, readFile, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { packSample, runCli, SAMPLE_METADATA, SAMPLE_SITE, serveLibrary, tempFolder } from '../helpers.js';
import { rawGet, type RawAnswer } from '../raw-http.js';

const NAME = 'click_docs_en';
const PAGES: [string, Record<string, string>][] = [
  [`/content/${NAME}/index.html`, {}],
  [`/content/${NAME}/index.html`, { 'accept-encoding': 'gzip' }],
  [`/content/${NAME}/api.html`, {}],
  [`/content/${NAME}/_static/click-logo.png`, {}],
  [`/api/search?q=option&bundle=${NAME}`, {}],
  [`/api/suggest?q=comm&bundle=${NAME}`, {}],
];

/** Writes `bytes` over `path` in place, a few KB at a time, as `cp` does: truncate, then write. */
async function copyInPlace(bytes: Buffer, path: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let at = 0; at < bytes.length; at += 8192) {
      await handle.write(bytes, at, Math.min(8192, bytes.length - at), at);
      await sleep(4);
    }
  } finally {
    await handle.close();
  }
}

function key(path: string, headers: Record<string, string>): string {
  return `${path} ${JSON.stringify(headers)}`;
}

describe('a bundle copied over in place while it is served', () => {
  let shelf: string;
  let newBytes: Buffer;
  let served: Awaited<ReturnType<typeof serveLibrary>>;
  const expected = new Map<string, Buffer[]>();

  beforeAll(async () => {
    const work = await tempFolder();
    const old = await packSample(work);
    // The next edition: the same site with its front page changed.
    const site = join(work, 'site');
    await cp(SAMPLE_SITE, site, { recursive: true });
    const front = await readFile(join(site, 'index.html'), 'utf8');
    await writeFile(join(site, 'index.html'), front.replace('Welcome to Click', 'Welcome to Click, next edition'));
    const next = join(work, 'next.ferry');
    const run = await runCli(['pack', site, '--metadata', SAMPLE_METADATA, '-o', next]);
    expect(run.code, run.stderr).toBe(0);
    newBytes = await readFile(next);

    for (const edition of [old, next]) {
      const folder = join(work, `expected-${expected.size}`);
      await mkdir(folder);
      await copyFile(edition, join(folder, 'click.ferry'));
      const server = await serveLibrary(folder);
      for (const [path, headers] of PAGES) {
        const answer = await rawGet(server.base + path, headers);
        expect(answer.status, path).toBe(200);
        expected.set(key(path, headers), [...(expected.get(key(path, headers)) ?? []), answer.body!]);
      }
      const download = await rawGet(`${server.base}/download/${NAME}`);
      expected.set('download', [...(expected.get('download') ?? []), download.body!]);
      await server.close();
    }
    shelf = join(work, 'shelf');
    await mkdir(shelf);
    await copyFile(old, join(shelf, 'click.ferry'));
    served = await serveLibrary(shelf, { app: { searchRate: 0 } });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await served.close();
  });

  it('answers only whole, correct pages or 503 during the copy, then the new edition, without --watch', async () => {
    const faults: string[] = [];
    const seen = { old: 0, new: 0, unavailable: 0, cutDownloads: 0 };
    let copying = true;
    const judge = (what: string, answer: RawAnswer, wanted: Buffer[]) => {
      if (answer.status === 503) return void seen.unavailable++;
      const at = answer.body ? wanted.findIndex((body) => body.equals(answer.body!)) : -1;
      if (answer.status === 200 && at >= 0) return void (at === 0 ? seen.old++ : seen.new++);
      if (what === 'download' && answer.status === 200 && answer.broken) return void seen.cutDownloads++;
      faults.push(`${what}: ${answer.status} ${answer.broken ?? `${answer.body?.length} bytes, not a known body`}`);
    };
    const client = async (offset: number) => {
      for (let i = offset; copying; i++) {
        const [path, headers] = PAGES[i % PAGES.length]!;
        judge(key(path, headers), await rawGet(served.base + path, headers), expected.get(key(path, headers))!);
      }
    };
    const downloader = async () => {
      while (copying) judge('download', await rawGet(`${served.base}/download/${NAME}`), expected.get('download')!);
    };
    const clients = [0, 1, 2, 3].map(client).concat(downloader());
    await sleep(50);
    await copyInPlace(newBytes, join(shelf, 'click.ferry'));
    await sleep(100);
    copying = false;
    await Promise.all(clients);

    expect(faults).toEqual([]);
    expect(seen.unavailable).toBeGreaterThan(0);
    // Once the copy is whole, every page is the new edition's.
    for (const [path, headers] of PAGES) {
      const answer = await rawGet(served.base + path, headers);
      expect(answer.status, path).toBe(200);
      expect(answer.body!.equals(expected.get(key(path, headers))![1]!), path).toBe(true);
    }
    const library = await rawGet(`${served.base}/api/bundles`);
    expect(JSON.parse(library.body!.toString())[0].bytes).toBe(newBytes.length);
    console.log(`during the copy: ${JSON.stringify(seen)}`);
  });
});
