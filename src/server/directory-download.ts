import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Response } from 'express';
import type { ByteSource } from '../bundle/byte-source.js';
import { readZipTail } from '../bundle/zip-tail.js';
import { BudgetedLru } from '../cache-budget.js';
import { DIRECTORY_HEADER } from '../distribute/directory-fetch.js';
import { HttpError } from './http.js';

/**
 * `/download/NAME.directory` (DIRECTORY_SUFFIX): the bundle's central directory and end records, from where the
 * directory starts to the end of the file, gzipped. `ferry update` reads them first to plan what
 * to fetch; for a bundle under a megabyte they alone are some 5% of it, and gzip takes three
 * quarters off (src/distribute/directory-fetch.ts). Other servers answer 404, and the client
 * reads the same bytes by Range.
 */
/** A larger directory (some 200,000 entries and more) is read by Range: gzipping it would hold the server up. */
const LARGEST_DIRECTORY = 16 * 1024 * 1024;

const gzipAsync = promisify(gzip);
/** By the bundle's ETag, which changes with any repack. */
const recent = new BudgetedLru<string, Promise<{ start: number; body: Buffer }>>(32, ({ body }) => 64 + body.length);

export async function sendDirectory(response: Response, source: ByteSource, etag: string): Promise<void> {
  const tail = await readZipTail(source);
  const start = tail.centralDirectoryOffset;
  if (source.size - start > LARGEST_DIRECTORY) {
    throw new HttpError(404, "This bundle's directory is read by Range requests.");
  }
  const made = recent.remember(etag, async () => ({
    start,
    body: await gzipAsync(await source.read(start, source.size - start)),
  }));
  const { body } = await made;
  response.setHeader('Content-Type', 'application/gzip');
  response.setHeader('ETag', etag);
  response.setHeader(DIRECTORY_HEADER, `${start}/${source.size}`);
  response.setHeader('Content-Length', body.length);
  response.end(body);
}
