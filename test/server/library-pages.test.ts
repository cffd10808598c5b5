import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSample, serveLibrary, tempFolder } from '../helpers.js';

describe('the library page of a large library', () => {
  let served: Awaited<ReturnType<typeof serveLibrary>>;

  beforeAll(async () => {
    const folder = await tempFolder();
    const shelf = join(folder, 'shelf');
    await mkdir(shelf);
    const bundle = await packSample(folder);
    await Promise.all(Array.from({ length: 130 }, (_, i) => copyFile(bundle, join(shelf, `copy-${i}.ferry`))));
    served = await serveLibrary(shelf);
  });
  afterAll(() => served.close());

  const cards = (html: string) => html.match(/<li class="card">/g)?.length ?? 0;

  it('shows 60 cards a page, with links to the pages before and after that keep the filters', async () => {
    const first = await (await fetch(`${served.base}/?lang=eng`)).text();
    expect(cards(first)).toBe(60);
    expect(first).toContain('Page 1 of 3');
    expect(first).toContain('<a href="/?lang=eng&amp;page=2">Next →</a>');
    expect(first).not.toContain('Previous');
    const last = await (await fetch(`${served.base}/?lang=eng&page=3`)).text();
    expect(cards(last)).toBe(10);
    expect(last).toContain('<a href="/?lang=eng&amp;page=2">← Previous</a>');
    // The filters still offer every language and tag of the library, not of one page.
    expect(last).toContain('<option value="eng" selected>eng</option>');
  });

  it('answers a page past the end with the last page, and a page that is not a number with the first', async () => {
    expect(await (await fetch(`${served.base}/?page=99`)).text()).toContain('Page 3 of 3');
    expect(await (await fetch(`${served.base}/?page=x`)).text()).toContain('Page 1 of 3');
  });

  it('says where it is in French too', async () => {
    const page = await (await fetch(`${served.base}/?page=2`, { headers: { 'Accept-Language': 'fr' } })).text();
    expect(page).toContain('Page 2 sur 3');
  });
});
