import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Library } from '../../src/server/library.js';
import { packSample, runCli, SAMPLE_METADATA, SAMPLE_SITE, serveLibrary, tempFolder } from '../helpers.js';

describe('a watched library', () => {
  it('adds, replaces and removes bundles, keeping a replaced one readable while a request holds it', async () => {
    const work = await tempFolder();
    const shelf = join(work, 'shelf');
    const original = await packSample(work);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(shelf);
    await copyFile(original, join(shelf, 'click.ferry'));
    const library = await Library.open([shelf]);
    expect(library.list().map((item) => item.name)).toEqual(['click_docs_en']);

    // Added: the same site under another name.
    const other = join(work, 'other.ferry');
    const run = await runCli(['pack', SAMPLE_SITE, '--metadata', SAMPLE_METADATA, '--name', 'click_copy', '-o', other]);
    expect(run.code, run.stderr).toBe(0);
    await copyFile(other, join(shelf, 'copy.ferry'));
    expect(await library.refresh()).toEqual([{ kind: 'added', name: 'click_copy', file: join(shelf, 'copy.ferry') }]);

    // Replaced while a request holds the old bundle: the old one stays readable until released.
    const old = await library.hold(library.get('click_docs_en')!);
    const retitled = join(work, 'retitled.ferry');
    expect(
      (await runCli(['pack', SAMPLE_SITE, '--metadata', SAMPLE_METADATA, '--title', 'Click, again', '-o', retitled]))
        .code,
    ).toBe(0);
    await rename(retitled, join(shelf, 'click.ferry'));
    expect(await library.refresh()).toEqual([
      { kind: 'replaced', name: 'click_docs_en', file: join(shelf, 'click.ferry') },
    ]);
    expect(library.get('click_docs_en')!.manifest.metadata.title).toBe('Click, again');
    const page = (await old.bundle.resolveContent('index.html'))!;
    expect((await old.bundle.read(page)).length).toBeGreaterThan(1000);
    library.release(old);

    // Removed.
    await rm(join(shelf, 'copy.ferry'));
    expect(await library.refresh()).toEqual([{ kind: 'removed', name: 'click_copy', file: join(shelf, 'copy.ferry') }]);
    await library.close();
  });

  it('serves a bundle dropped into a watched folder without a restart', async () => {
    const work = await tempFolder();
    const shelf = join(work, 'shelf');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(shelf);
    const first = await packSample(work);
    await copyFile(first, join(shelf, 'click.ferry'));
    const served = await serveLibrary(shelf, { watch: true });
    const other = join(work, 'other.ferry');
    await runCli(['pack', SAMPLE_SITE, '--metadata', SAMPLE_METADATA, '--name', 'late_arrival', '-o', other]);
    await copyFile(other, join(shelf, '.late.tmp'));
    await rename(join(shelf, '.late.tmp'), join(shelf, 'late.ferry'));
    let status = 0;
    for (let tries = 0; tries < 50 && status !== 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await fetch(`${served.base}/content/late_arrival/index.html`)).status;
    }
    expect(status).toBe(200);
    await served.close();
  });

  it('gives a bundle replaced under another name that name everywhere, and leads the old name to it', async () => {
    const work = await tempFolder();
    const shelf = join(work, 'shelf');
    const { mkdir, readFile } = await import('node:fs/promises');
    await mkdir(shelf);
    await copyFile(await packSample(work), join(shelf, 'click.ferry'));
    const served = await serveLibrary(shelf, { watch: true, app: { searchRate: 0 } });
    const names = async () =>
      ((await (await fetch(`${served.base}/api/bundles`)).json()) as { name: string }[]).map((item) => item.name);
    expect(await names()).toEqual(['click_docs_en']);
    // Listings look for moved-in files about once a second (and --watch as soon as the disk says).
    const namesOnceSettled = async (wanted: string[]) => {
      for (let tries = 0; tries < 30 && JSON.stringify(await names()) !== JSON.stringify(wanted); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return names();
    };

    // The next edition of the same docs, named for its year, moved over the old file.
    const edition = join(work, 'edition.ferry');
    const args = ['pack', SAMPLE_SITE, '--metadata', SAMPLE_METADATA, '--name', 'click_docs_en_2024', '-o', edition];
    expect((await runCli(args)).code).toBe(0);
    await rename(edition, join(shelf, 'click.ferry'));
    expect(await namesOnceSettled(['click_docs_en_2024'])).toEqual(['click_docs_en_2024']);
    const libraryPage = await (await fetch(`${served.base}/`)).text();
    expect(libraryPage).toContain('/viewer/click_docs_en_2024/');
    expect(libraryPage).not.toContain('/viewer/click_docs_en/');
    expect(await (await fetch(`${served.base}/catalog/entries.xml`)).text()).toContain('/download/click_docs_en_2024');
    const search = (await (await fetch(`${served.base}/api/search?q=option`)).json()) as {
      hits: { bundle: string; url: string }[];
    };
    expect(search.hits.length).toBeGreaterThan(0);
    for (const hit of search.hits) {
      expect(hit.bundle).toBe('click_docs_en_2024');
      expect((await fetch(served.base + hit.url)).status).toBe(200);
    }
    const old = await fetch(`${served.base}/content/click_docs_en/api.html?v=1`, { redirect: 'manual' });
    expect(old.status).toBe(302);
    expect(old.headers.get('location')).toBe('/content/click_docs_en_2024/api.html?v=1');
    const oldSearch = await fetch(`${served.base}/search?q=option&bundle=click_docs_en`, { redirect: 'manual' });
    expect(oldSearch.headers.get('location')).toBe('/search?q=option&bundle=click_docs_en_2024');

    // Another bundle altogether in the same file: the old names lead nowhere.
    const other = join(work, 'other.ferry');
    const site = join(work, 'site');
    await mkdir(site);
    await writeFile(join(site, 'index.html'), await readFile(join(SAMPLE_SITE, 'license.html')));
    const otherArgs = ['pack', site, '--name', 'licence_only', '--title', 'Licence', '--language', 'eng'];
    expect((await runCli([...otherArgs, '-o', other])).code).toBe(0);
    await rename(other, join(shelf, 'click.ferry'));
    expect(await namesOnceSettled(['licence_only'])).toEqual(['licence_only']);
    expect((await fetch(`${served.base}/content/click_docs_en_2024/api.html`, { redirect: 'manual' })).status).toBe(
      404,
    );
    expect((await fetch(`${served.base}/content/click_docs_en/api.html`, { redirect: 'manual' })).status).toBe(404);
    await served.close();
  });
});
