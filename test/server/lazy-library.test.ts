import { copyFile, mkdir, readFile, rename, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { Library } from '../../src/server/library.js';
import { ManifestCache, manifestCacheFile } from '../../src/server/manifest-cache.js';
import { packEdition, packSample, tempFolder } from '../helpers.js';

async function shelfOf(copies: number): Promise<string> {
  const work = await tempFolder();
  const shelf = join(work, 'shelf');
  await mkdir(shelf);
  const bundle = await packSample(work);
  for (let i = 0; i < copies; i++) await copyFile(bundle, join(shelf, `copy-${i}.ferry`));
  return shelf;
}

describe('a library at rest', () => {
  it('opens no bundle to list them, and opens one only when a request reads it', async () => {
    const shelf = await shelfOf(3);
    const library = await Library.open([shelf]);
    const server = createServer(createApp(library));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(library.openCount).toBe(0);
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('click_docs_en-3');
    expect((await (await fetch(`${base}/api/bundles`)).json()) as unknown[]).toHaveLength(3);
    expect((await fetch(`${base}/catalog/entries.xml`)).status).toBe(200);
    expect(library.openCount).toBe(0);
    expect((await fetch(`${base}/content/click_docs_en-2/index.html`)).status).toBe(200);
    expect(library.openCount).toBe(1);
    // A random page of the whole library opens the one bundle it picks, not all three.
    expect((await fetch(`${base}/random`, { redirect: 'manual' })).status).toBe(302);
    expect(library.openCount).toBeLessThanOrEqual(2);
    await new Promise((resolve) => server.close(resolve));
    await library.close();
    expect(library.openCount).toBe(0);
  });

  it('closes a bundle left idle, and opens it again at the next request', async () => {
    const shelf = await shelfOf(2);
    const library = await Library.open([shelf], { idleCloseMs: 100 });
    const item = await library.hold(library.get('click_docs_en')!);
    const record = await item.bundle.resolveContent('index.html');
    expect(record).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Held by a request: never closed under it.
    expect(item.isOpen).toBe(true);
    library.release(item);
    for (let tries = 0; tries < 30 && item.isOpen; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(item.isOpen).toBe(false);
    const again = await library.hold(item);
    expect(again).toBe(item);
    expect((await again.bundle.read((await again.bundle.resolveContent('index.html'))!)).length).toBeGreaterThan(1000);
    library.release(again);
    await library.close();
  });

  it('keeps at most maxOpen bundles open, closing the one used longest ago', async () => {
    const shelf = await shelfOf(4);
    const library = await Library.open([shelf], { maxOpen: 2 });
    const names = ['click_docs_en', 'click_docs_en-2', 'click_docs_en-3', 'click_docs_en-4'];
    for (const name of names) {
      const item = await library.hold(library.get(name)!);
      library.release(item);
      expect(library.openCount).toBeLessThanOrEqual(2);
    }
    expect(
      library
        .list()
        .filter((item) => item.isOpen)
        .map((item) => item.name),
    ).toEqual(names.slice(2));
    // Two held: a third is refused, not opened past the limit, and the request can be tried again.
    const held = await Promise.all(names.slice(0, 2).map((name) => library.hold(library.get(name)!)));
    await expect(library.hold(library.get(names[2]!)!)).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    held.forEach((item) => library.release(item));
    const third = await library.hold(library.get(names[2]!)!);
    expect(third.isOpen).toBe(true);
    library.release(third);
    await library.close();
  });
});

describe('the manifests kept between starts', () => {
  it('start a library without reading its bundles, and a bundle changed since is read again', async () => {
    const shelf = await shelfOf(2);
    const cacheFile = join(await tempFolder(), 'cache', 'library.json');
    const first = await Library.open([shelf], { manifests: await ManifestCache.load(cacheFile) });
    await first.close();
    // What the next start will believe, marked so that it shows whether the bundle was read.
    const kept = JSON.parse(await readFile(cacheFile, 'utf8')) as {
      bundles: Record<string, { manifest: { metadata: { title: string } } }>;
    };
    expect(Object.keys(kept.bundles)).toHaveLength(2);
    for (const entry of Object.values(kept.bundles)) entry.manifest.metadata.title = 'Title from the cache';
    await writeFile(cacheFile, JSON.stringify(kept));
    const touched = join(shelf, 'copy-1.ferry');
    await utimes(touched, new Date(), new Date(Date.now() - 60_000));

    const second = await Library.open([shelf], { manifests: await ManifestCache.load(cacheFile) });
    const titles = second.list().map((item) => [item.file, item.manifest.metadata.title]);
    expect(titles).toEqual([
      [join(shelf, 'copy-0.ferry'), 'Title from the cache'],
      [touched, 'Click 8.1 documentation'],
    ]);
    await second.close();
  });

  it('never keep the old manifest under a new file that would not open, and take the new edition once it does', async () => {
    const shelf = await shelfOf(1);
    const file = join(shelf, 'copy-0.ferry');
    const cacheFile = join(await tempFolder(), 'library.json');
    const warnings: string[] = [];
    const library = await Library.open([shelf], {
      manifests: await ManifestCache.load(cacheFile),
      onWarning: (message) => warnings.push(message),
    });
    const first = await library.hold(library.get('click_docs_en')!);
    library.release(first);
    const stamp = first.stamp;

    await writeFile(join(shelf, '.broken'), 'not a bundle');
    await rename(join(shelf, '.broken'), file);
    const kept = await library.hold(library.get('click_docs_en')!);
    expect(kept).toBe(first);
    expect(kept.stamp).toBe(stamp);
    library.release(kept);
    expect(warnings.join('\n')).toMatch(/kept the old .*copy-0\.ferry for now: the new one does not open/);
    const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { bundles: Record<string, { stamp: string }> };
    expect(cached.bundles[file]!.stamp).toBe(stamp);

    const next = join(shelf, '.next');
    await packEdition(next, 'Click, again');
    await rename(next, file);
    const fresh = await library.hold(library.get('click_docs_en')!);
    expect(fresh.manifest.metadata.title).toBe('Click, again');
    library.release(fresh);
    await library.close();
    const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as {
      bundles: Record<string, { stamp: string; manifest: { metadata: { title: string } } }>;
    };
    expect(saved.bundles[file]!.manifest.metadata.title).toBe('Click, again');
    expect(saved.bundles[file]!.stamp).toBe(fresh.stamp);
  });

  it('are read again when the cache file is damaged, and a cache that cannot be written only warns', async () => {
    const shelf = await shelfOf(1);
    const folder = await tempFolder();
    const cacheFile = join(folder, 'library.json');
    await writeFile(cacheFile, '{"layout":1,"bundles":{"x": nonsense');
    const library = await Library.open([shelf], { manifests: await ManifestCache.load(cacheFile) });
    expect(library.list()[0]!.manifest.metadata.title).toBe('Click 8.1 documentation');
    await library.close();
    expect(JSON.parse(await readFile(cacheFile, 'utf8')).layout).toBe(1);

    const warnings: string[] = [];
    const blocked = join(folder, 'a-file', 'library.json');
    await writeFile(join(folder, 'a-file'), 'not a folder');
    const unwritable = await Library.open([shelf], {
      manifests: await ManifestCache.load(blocked),
      onWarning: (message) => warnings.push(message),
    });
    expect(unwritable.list()).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/could not keep the bundles' manifests for the next start/);
    await unwritable.close();
  });

  it('live in systemd’s CacheDirectory under a service, else in the user’s cache folder', () => {
    expect(manifestCacheFile(['/srv/ferry'], { CACHE_DIRECTORY: '/var/cache/ferry' })).toMatch(
      /^\/var\/cache\/ferry\/library-[0-9a-f]{16}\.json$/,
    );
    expect(manifestCacheFile(['/srv/ferry'], { XDG_CACHE_HOME: '/home/pi/.cache' })).toMatch(
      /^\/home\/pi\/\.cache\/ferry\/library-[0-9a-f]{16}\.json$/,
    );
    expect(manifestCacheFile(['/a'], {})).not.toBe(manifestCacheFile(['/b'], {}));
  });
});
