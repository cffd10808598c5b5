import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findInMirror, mirrorPaths } from '../../src/sources/gutenberg/mirror-files.js';
import { tempFolder } from '../helpers.js';

describe("finding the catalog's files in a mirror", () => {
  it('maps download links to the generated files and the files/ tree to its two layouts', () => {
    expect(mirrorPaths('https://www.gutenberg.org/ebooks/11.html.images', 11)).toEqual([
      'cache/epub/11/pg11-images.html',
    ]);
    expect(mirrorPaths('https://www.gutenberg.org/ebooks/2701.txt.utf-8', 2701)).toEqual([
      'cache/epub/2701/pg2701.txt',
    ]);
    expect(mirrorPaths('https://www.gutenberg.org/ebooks/2701.epub3.images', 2701)).toEqual([
      'cache/epub/2701/pg2701-images-3.epub',
    ]);
    expect(mirrorPaths('https://www.gutenberg.org/ebooks/844.kindle.images', 844)).toEqual([
      'cache/epub/844/pg844-images-kf8.azw3',
      'cache/epub/844/pg844-images.mobi',
    ]);
    expect(mirrorPaths('https://www.gutenberg.org/files/2701/2701-h/2701-h.htm', 2701)).toEqual([
      'files/2701/2701-h/2701-h.htm',
      '2/7/0/2701/2701-h/2701-h.htm',
    ]);
    expect(mirrorPaths('https://www.gutenberg.org/files/5/5-0.txt', 5)).toEqual(['files/5/5-0.txt', '0/5/5-0.txt']);
  });

  it("ignores links it cannot place, another book's files and paths that climb out", () => {
    expect(mirrorPaths('https://www.gutenberg.org/ebooks/11.kf8.images', 11)).toEqual([]);
    expect(mirrorPaths('https://www.gutenberg.org/ebooks/12.html.images', 11)).toEqual([]);
    expect(mirrorPaths('https://www.gutenberg.org/files/11/%2e%2e/%2e%2e/etc/passwd', 11)).toEqual([]);
    expect(mirrorPaths('https://www.gutenberg.org/cache/epub/12/pg12.txt', 11)).toEqual([]);
    expect(mirrorPaths('https://www.gutenberg.org/cache/epub/11/pg11.txt', 11)).toEqual(['cache/epub/11/pg11.txt']);
  });

  it('takes the first layout the mirror has', async () => {
    const mirror = await tempFolder();
    await mkdir(join(mirror, '2/7/0/2701/2701-h'), { recursive: true });
    await writeFile(join(mirror, '2/7/0/2701/2701-h/2701-h.htm'), '<p>Call me Ishmael.</p>');
    const file = { url: 'https://www.gutenberg.org/files/2701/2701-h/2701-h.htm', mediaType: 'text/html', bytes: 24 };
    expect(await findInMirror(mirror, file, 2701)).toBe('2/7/0/2701/2701-h/2701-h.htm');
    expect(await findInMirror(mirror, { ...file, url: 'https://www.gutenberg.org/ebooks/2701.txt.utf-8' }, 2701)).toBe(
      undefined,
    );
  });
});
