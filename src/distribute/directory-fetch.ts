import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { ZipTail } from '../bundle/zip-tail.js';

const gunzipAsync = promisify(gunzip);

/** After a bundle's download URL: where `ferry serve` gives its directory gzipped. */
export const DIRECTORY_SUFFIX = '.directory';
/** Where the bytes start and the size of the whole file: `<start>/<size>`. */
export const DIRECTORY_HEADER = 'X-Ferry-Directory';

/**
 * The new edition's central directory and end records gzipped, from a ferry server
 * (src/server/directory-download.ts), instead of by Range: a quarter of the bytes. Undefined when
 * the server has none to give (another server, an older ferry) or gives bytes that do not end as
 * the file does: the caller then reads them by Range. The result is checked whole in the end.
 */
export async function fetchDirectory(
  url: string,
  size: number,
  tail: ZipTail,
): Promise<{ data: Buffer; fetched: number } | undefined> {
  try {
    const response = await fetch(url + DIRECTORY_SUFFIX);
    if (response.status !== 200) {
      await response.body?.cancel();
      return undefined;
    }
    const start = tail.centralDirectoryOffset;
    // Not read at all unless it says it is this file's directory: a server may answer any path with a page.
    if (response.headers.get(DIRECTORY_HEADER) !== `${start}/${size}`) {
      await response.body?.cancel();
      return undefined;
    }
    // gzip never grows data by more than a few bytes in a thousand: a larger body is not this.
    const announced = Number(response.headers.get('content-length'));
    if (!(announced > 0 && announced <= size - start + 64 * 1024)) {
      await response.body?.cancel();
      return undefined;
    }
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length !== announced) return undefined;
    const data = await gunzipAsync(body, { maxOutputLength: size - start });
    const last = tail.lastBytes ?? Buffer.alloc(0);
    if (data.length !== size - start || !data.subarray(Math.max(0, data.length - last.length)).equals(last)) {
      return undefined;
    }
    return { data, fetched: body.length };
  } catch {
    // Any fault here only costs the Range request it would have saved.
    return undefined;
  }
}
