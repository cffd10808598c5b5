import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { damageEntry, largestShard, packSample, runCli, serveLibrary, tempFolder } from '../helpers.js';
import { rawGet } from '../raw-http.js';

const NAME = 'click_docs_en';

describe('a bundle with one damaged entry', () => {
  let work: string;
  let good: string;
  let served: Awaited<ReturnType<typeof serveLibrary>>;
  const logged: string[] = [];

  beforeAll(async () => {
    work = await tempFolder();
    good = await packSample(work);
    const shelf = join(work, 'shelf');
    await mkdir(shelf);
    await damageEntry(good, join(shelf, 'click.ferry'), 'api.html');
    served = await serveLibrary(shelf);
    vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void logged.push(parts.join(' ')));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await served.close();
  });

  it('fails ferry extract, naming the entry and what to do', async () => {
    const damaged = join(work, 'shelf/click.ferry');
    const run = await runCli(['extract', damaged, 'api.html']);
    expect(run.code).toBe(1);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr).toContain('"content/api.html" is damaged');
    expect(run.stderr).toContain(`ferry verify ${damaged}`);
    expect((await runCli(['extract', damaged, 'index.html'])).code).toBe(0);
  });

  it('is answered 500 with a page that says so, gzip or not, and one log line naming bundle and entry', async () => {
    for (const headers of [{}, { 'accept-encoding': 'gzip' }, { 'sec-fetch-dest': 'iframe' }] as Record<
      string,
      string
    >[]) {
      logged.length = 0;
      const answer = await rawGet(`${served.base}/content/${NAME}/api.html`, headers);
      expect(answer.status).toBe(500);
      // Readers are told plainly; the file and entry are for whoever keeps the library, in the log.
      expect(answer.body!.toString()).toContain('This page is damaged on the server’s disk');
      expect(answer.body!.toString()).not.toContain('shelf/click.ferry');
      // Inside the viewer's frame, under the viewer's own bar, the error comes without a second bar.
      expect(answer.body!.toString().includes('class="topbar"')).toBe(headers['sec-fetch-dest'] !== 'iframe');
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/shelf\/click\.ferry: "content\/api\.html" is damaged/);
    }
    const other = await rawGet(`${served.base}/content/${NAME}/index.html`);
    expect(other.status).toBe(200);
  });

  it('fails ferry search when the shard is damaged, naming the shard and ferry verify', async () => {
    const damaged = join(work, 'shard-damaged.ferry');
    const shard = await largestShard(good);
    await damageEntry(good, damaged, shard, 5000);
    const run = await runCli(['search', damaged, 'option']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`"${shard}" is damaged`);
    expect(run.stderr).toContain('ferry verify');
  });
});

describe('a large damaged entry streamed by the server', () => {
  let served: Awaited<ReturnType<typeof serveLibrary>>;
  const logged: string[] = [];

  beforeAll(async () => {
    const work = await tempFolder();
    const site = join(work, 'site');
    await mkdir(site);
    await writeFile(join(site, 'index.html'), '<title>Big files</title><h1>Big files</h1>');
    // Text that deflates to more than the 4 MB the server keeps in memory, and a stored video.
    await writeFile(join(site, 'big.txt'), randomBytes(6 * 1024 * 1024).toString('base64'));
    await writeFile(join(site, 'big.mp4'), randomBytes(5 * 1024 * 1024));
    const good = join(work, 'big.ferry');
    const run = await runCli(['pack', site, '-o', good, '--name', 'big', '--title', 'Big', '--language', 'eng']);
    expect(run.code, run.stderr).toBe(0);
    const shelf = join(work, 'shelf');
    await mkdir(shelf);
    const once = join(work, 'once.ferry');
    await damageEntry(good, once, 'big.txt', 3 * 1024 * 1024);
    await damageEntry(once, join(shelf, 'big.ferry'), 'big.mp4', 2 * 1024 * 1024);
    await copyFile(good, join(shelf, 'good.ferry'));
    served = await serveLibrary(shelf);
    vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void logged.push(parts.join(' ')));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await served.close();
  });

  it('cuts the connection before the last byte, so no client keeps a complete-looking wrong file', async () => {
    for (const path of ['big.txt', 'big.mp4']) {
      for (const headers of [{}, { 'accept-encoding': 'gzip' }] as Record<string, string>[]) {
        const answer = await rawGet(`${served.base}/content/big/${path}`, headers);
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(200);
        expect(answer.body, `${path} ${JSON.stringify(headers)}`).toBeUndefined();
        expect(answer.broken).toBeDefined();
      }
    }
    expect(logged.some((line) => line.includes('"content/big.txt" is damaged'))).toBe(true);
    expect(logged.some((line) => line.includes('"content/big.mp4" is damaged'))).toBe(true);
  });

  it('streams the same entries whole from an undamaged copy', async () => {
    const names = await (await fetch(`${served.base}/api/bundles`)).json();
    const good = (names as { name: string; bytes: number }[]).find((item) => item.name !== 'big')!;
    for (const path of ['big.txt', 'big.mp4']) {
      for (const headers of [{}, { 'accept-encoding': 'gzip' }] as Record<string, string>[]) {
        const answer = await rawGet(`${served.base}/content/${good.name}/${path}`, headers);
        expect(answer.status).toBe(200);
        expect(answer.body?.length).toBe(path === 'big.txt' ? 8 * 1024 * 1024 : 5 * 1024 * 1024);
      }
    }
  });
});
