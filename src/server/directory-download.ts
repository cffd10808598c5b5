import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Response } from 'express';
import type { ByteSource } from '../bundle/byte-source.js';
import { readZipTail } from '../bundle/zip-tail.js';
import { TaskLimit } from '../bundle/task-limit.js';
import { BudgetedLru, CacheBudget } from '../cache-budget.js';
import { DIRECTORY_HEADER } from '../distribute/directory-fetch.js';
import { HttpError } from './http.js';

/** A larger directory (some 200,000 entries and more) is read by Range: gzipping it would hold the server up. */
const LARGEST_DIRECTORY = 16 * 1024 * 1024;

const gzipAsync = promisify(gzip);
/** Its own few megabytes, so directories never push the bundles' search caches out. */
const recent = new BudgetedLru<string, Promise<{ start: number; size: number; body: Buffer }>>(
  16,
  ({ body }) => 64 + body.length,
  new CacheBudget(8 * 1024 * 1024),
);
/** One directory read and gzipped at a time: many asked at once wait rather than hold 16 MB each. */
const making = new TaskLimit(1);

/**
 * `/download/NAME.directory` (DIRECTORY_SUFFIX): the bundle's central directory and end records, from where the
 * directory starts to the end of the file, gzipped. `ferry update` reads them first to plan what
 * to fetch; for a bundle under a megabyte they alone are some 5% of it, and gzip takes three
 * quarters off (src/distribute/directory-fetch.ts). Other servers answer 404, and the client
 * reads the same bytes by Range. Kept by the bundle's ETag, which names its bytes.
 */
export async function sendDirectory(response: Response, source: ByteSource, etag: string): Promise<void> {
  const tail = await readZipTail(source);
  if (source.size - tail.centralDirectoryOffset > LARGEST_DIRECTORY) {
    throw new HttpError(404, "This bundle's directory is read by Range requests.");
  }
  const { start, size, body } = await recent.remember(etag, () =>
    making.run(async () => {
      const at = tail.centralDirectoryOffset;
      return { start: at, size: source.size, body: await gzipAsync(await source.read(at, source.size - at)) };
    }),
  );
  response.setHeader('Content-Type', 'application/gzip');
  response.setHeader('ETag', etag);
  response.setHeader(DIRECTORY_HEADER, `${start}/${size}`);
  response.setHeader('Content-Length', body.length);
  response.end(body);
}
