import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BookFile } from './rdf.js';

/**
 * What the catalog's `ebooks/<ID>.<kind>` download links are in a mirror's generated files, most
 * likely first: Gutenberg's Kindle editions were `.mobi` files, then KF8 `.azw3`.
 */
const GENERATED: Record<string, (id: number) => string[]> = {
  'html.images': (id) => [`pg${id}-images.html`],
  'html.noimages': (id) => [`pg${id}.html`],
  'epub3.images': (id) => [`pg${id}-images-3.epub`],
  'epub.images': (id) => [`pg${id}-images.epub`],
  'epub.noimages': (id) => [`pg${id}.epub`],
  'kindle.images': (id) => [`pg${id}-images-kf8.azw3`, `pg${id}-images.mobi`],
  'kindle.noimages': (id) => [`pg${id}.mobi`],
  'txt.utf-8': (id) => [`pg${id}.txt`],
};

/** Mirrors made with rsync keep `files/<ID>/` under a tree of the ID's digits: 2701 → 2/7/0/2701. */
function digitTree(id: number): string {
  const digits = String(id);
  return digits.length === 1 ? `0/${digits}` : `${digits.slice(0, -1).split('').join('/')}/${digits}`;
}

/**
 * Where a catalog file may be inside a mirror, most likely first: the URL's own path (the book's
 * folder of the `files/` or `cache/epub/` tree), the digit tree of `files/`, or the generated
 * file behind an `ebooks/<ID>.<kind>` link. Paths outside the book's folders give none.
 */
export function mirrorPaths(url: string, id: number): string[] {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'https://www.gutenberg.org/').pathname).replace(/^\/+/, '');
  } catch {
    return [];
  }
  if (path.split('/').includes('..')) return [];
  const generated = /^ebooks\/(\d+)\.(.+)$/.exec(path);
  if (generated) {
    const name = GENERATED[generated[2]!];
    return name && Number(generated[1]) === id ? name(id).map((file) => `cache/epub/${id}/${file}`) : [];
  }
  const files = /^files\/(\d+)\/(.+)$/.exec(path);
  if (files && Number(files[1]) === id) return [path, `${digitTree(id)}/${files[2]}`];
  // Anything else must be in the book's own folder: a catalog never sends a reader elsewhere.
  return path.startsWith(`cache/epub/${id}/`) ? [path] : [];
}

/** The first place a catalog file is found in the mirror, or undefined when it is in none. */
export async function findInMirror(mirror: string, file: BookFile, id: number): Promise<string | undefined> {
  for (const path of mirrorPaths(file.url, id)) {
    const found = await stat(join(mirror, path)).catch(() => undefined);
    if (found?.isFile()) return path;
  }
  return undefined;
}
