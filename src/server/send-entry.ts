import type { Request, Response } from 'express';
import type { Bundle, StoredRecord } from '../bundle/reader.js';
import { contentTypeHeader } from '../pack/media-type.js';
import { promisify } from 'node:util';
import { deflateRaw, gzipSync } from 'node:zlib';
import { ZSTD_METHOD } from '../bundle/precompressed-entries.js';
import { EntryKind } from '../bundle/path-index.js';
import { isHtml } from '../pack/media-type.js';
import { parseRange } from './download.js';
import { isFrameRequest, withShim } from './frame-shim.js';
import type { EntryCache } from './entry-cache.js';
import { sendStream } from './send-stream.js';

/** The fixed 10-byte gzip header: deflate, no flags, no time, unknown OS (RFC 1952). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** Whether the client takes gzip (and has not refused it with q=0). */
export function acceptsGzip(request: Request): boolean {
  const header = request.headers['accept-encoding'];
  return typeof header === 'string' && /\bgzip\b(?!\s*;\s*q=0(\.0+)?\b)/i.test(header);
}

function gzipTrailer(record: StoredRecord): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(record.locator.crc32 >>> 0, 0);
  trailer.writeUInt32LE(record.locator.size % 2 ** 32, 4);
  return trailer;
}

const deflateRawAsync = promisify(deflateRaw);
/** As the bundle writer deflates, so a compact bundle's page reaches a phone as the same gzip bytes. */
const DEFLATE_LEVEL = 6;

/** Entries up to this size are sent from memory (and cached); larger ones are streamed. */
const BUFFERED_LIMIT = 4 * 1024 * 1024;

/**
 * Sends an entry with its stored media type and an ETag from its SHA-256. A deflated entry goes
 * out as gzip straight from the file: header, the stored deflate stream, then CRC and size.
 */
export async function sendEntry(
  request: Request,
  response: Response,
  bundle: Bundle,
  record: StoredRecord,
  cache: EntryCache,
  options: { immutable?: boolean } = {},
): Promise<void> {
  const framed = record.kind === EntryKind.Page && isHtml(record.locator.mediaType) && isFrameRequest(request.headers);
  const etag = `"${record.locator.sha256.toString('base64url').slice(0, 27)}${framed ? '-f' : ''}"`;
  response.setHeader('ETag', etag);
  response.setHeader(
    'Cache-Control',
    options.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
  );
  response.setHeader('Content-Type', contentTypeHeader(record.locator.mediaType));
  response.setHeader('X-Content-Type-Options', 'nosniff');
  const vary = [
    record.locator.method !== 0 || framed ? 'Accept-Encoding' : '',
    record.kind === EntryKind.Page ? 'Sec-Fetch-Dest' : '',
  ];
  if (vary.some(Boolean)) response.setHeader('Vary', vary.filter(Boolean).join(', '));
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    response.status(304).end();
    return;
  }
  if (framed) return sendFramed(request, response, bundle, record, cache);
  response.setHeader('Accept-Ranges', 'bytes');
  const range = parseRange(request.headers.range, record.locator.size);
  if (range === null) {
    response.status(416).setHeader('Content-Range', `bytes */${record.locator.size}`);
    return void response.end();
  }
  if (range && (record.locator.method === 0 || record.locator.size <= BUFFERED_LIMIT)) {
    return sendRange(request, response, bundle, record, cache, range);
  }
  // A client asking for a range wants the identity bytes; it gets them whole if the range cannot be cut.
  const gzip = record.locator.method !== 0 && acceptsGzip(request) && !range;
  const key = cacheKey(bundle, record, gzip ? 'gzip' : 'plain');
  if (gzip && record.locator.method === ZSTD_METHOD) return sendRegzipped(request, response, bundle, record, cache);
  if (gzip) {
    response.setHeader('Content-Encoding', 'gzip');
    response.setHeader('Content-Length', GZIP_HEADER.length + record.locator.compressedSize + 8);
  } else {
    response.setHeader('Content-Length', record.locator.size);
  }
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  if (gzip && record.locator.compressedSize <= BUFFERED_LIMIT) {
    response.end(
      await cache.get(key, async () =>
        Buffer.concat([GZIP_HEADER, await bundle.readRawChecked(record), gzipTrailer(record)]),
      ),
    );
  } else if (gzip) {
    await sendStream(await bundle.openCheckedRawStream(record, GZIP_HEADER, gzipTrailer(record)), response);
  } else if (record.locator.size <= BUFFERED_LIMIT) {
    response.end(await cache.get(key, () => bundle.read(record)));
  } else {
    await sendStream(await bundle.openStream(record), response);
  }
}

/**
 * A zstd entry to a browser that takes gzip: browsers cannot use the bundle's dictionary, so the
 * page is deflated once, as a deflate bundle stores it, and kept in the cache of bodies.
 */
async function sendRegzipped(
  request: Request,
  response: Response,
  bundle: Bundle,
  record: StoredRecord,
  cache: EntryCache,
): Promise<void> {
  const body = await cache.get(cacheKey(bundle, record, 'gzip'), async () => {
    const deflated = await deflateRawAsync(await bundle.read(record), { level: DEFLATE_LEVEL });
    return Buffer.concat([GZIP_HEADER, deflated, gzipTrailer(record)]);
  });
  sendBody(request, response, body, true);
}

/** A whole body made in memory, gzip or not. */
function sendBody(request: Request, response: Response, body: Buffer, gzip: boolean): void {
  if (gzip) response.setHeader('Content-Encoding', 'gzip');
  response.setHeader('Content-Length', body.length);
  response.end(request.method === 'HEAD' ? undefined : body);
}

function cacheKey(
  bundle: Bundle,
  record: StoredRecord,
  variant: 'gzip' | 'plain' | 'frame-gzip' | 'frame-plain',
): string {
  // The digest, not the file name: a bundle replaced under the same name must not hit old entries.
  return `${bundle.manifest.contentDigest}\0${record.name}\0${variant}`;
}

/** A page for the viewer's sandboxed frame: with the shim, compressed once, then from the cache. */
async function sendFramed(
  request: Request,
  response: Response,
  bundle: Bundle,
  record: StoredRecord,
  cache: EntryCache,
): Promise<void> {
  const gzip = acceptsGzip(request);
  const body = await cache.get(cacheKey(bundle, record, gzip ? 'frame-gzip' : 'frame-plain'), async () => {
    const page = withShim(await bundle.read(record));
    return gzip ? gzipSync(page) : page;
  });
  sendBody(request, response, body, gzip);
}

/**
 * 206 with the bytes asked for: cut from the checked whole when small; read straight from the
 * file, unchecked, for a large stored entry (a video being sought), where checking would mean
 * reading it whole for every seek. `ferry verify` checks those.
 */
async function sendRange(
  request: Request,
  response: Response,
  bundle: Bundle,
  record: StoredRecord,
  cache: EntryCache,
  range: { start: number; end: number },
): Promise<void> {
  response.status(206);
  response.setHeader('Content-Range', `bytes ${range.start}-${range.end - 1}/${record.locator.size}`);
  response.setHeader('Content-Length', range.end - range.start);
  if (request.method === 'HEAD') return void response.end();
  if (record.locator.size > BUFFERED_LIMIT) {
    await sendStream(await bundle.openRawStream(record, range.start, range.end), response);
  } else {
    const whole = await cache.get(cacheKey(bundle, record, 'plain'), () => bundle.read(record));
    response.end(whole.subarray(range.start, range.end));
  }
}
