import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { ByteSource } from '../bundle/byte-source.js';

/** The one byte range asked for, clamped to the file; null when unsatisfiable, undefined when none. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined; // Several or odd ranges: send it whole.
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? null : { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size : Math.min(size, Number(match[2]) + 1);
  return start >= size || end <= start ? null : { start, end };
}

/**
 * Sends a whole bundle (a file or its parts) with Range support, so an interrupted download on a
 * slow link resumes where it stopped.
 */
export async function sendBundleFile(
  request: Request,
  response: Response,
  source: ByteSource,
  fileName: string,
  etag: string,
): Promise<void> {
  const size = source.size;
  response.setHeader('Accept-Ranges', 'bytes');
  response.setHeader('ETag', etag);
  response.setHeader('Content-Type', 'application/zip');
  response.setHeader('Content-Disposition', `attachment; filename="${fileName.replace(/["\\]/g, '_')}"`);
  if (request.headers['if-none-match'] === etag) return void response.status(304).end();
  const ifRange = request.headers['if-range'];
  const range = ifRange && ifRange !== etag ? undefined : parseRange(request.headers.range, size);
  if (range === null) {
    response.status(416).setHeader('Content-Range', `bytes */${size}`);
    return void response.end();
  }
  const { start, end } = range ?? { start: 0, end: size };
  if (range) {
    response.status(206).setHeader('Content-Range', `bytes ${start}-${end - 1}/${size}`);
  }
  response.setHeader('Content-Length', end - start);
  if (request.method === 'HEAD') return void response.end();
  await pipeline(source.createReadStream(start, end), response);
}
