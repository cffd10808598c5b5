import type { Request, Response } from 'express';
import type { ByteSource } from '../bundle/byte-source.js';
import { sendStream } from './send-stream.js';

/** The one byte range asked for, clamped to the file; null when unsatisfiable, undefined when none. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | undefined {
  if (!header || !/^\s*bytes=/i.test(header)) return undefined; // No range, or a unit we do not know: send it whole.
  const specs = header
    .trim()
    .slice(6)
    .split(',')
    .map((spec) => spec.trim());
  if (specs.some((spec) => !/^(\d+-\d*|-\d+)$/.test(spec))) return null; // Malformed: 416, as RFC 9110 allows.
  if (specs.length > 1) return undefined; // Several ranges: the whole entity is a valid answer.
  const match = /^(\d*)-(\d*)$/.exec(specs[0]!)!;
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
  await sendStream(source.createReadStream(start, end), response);
}
