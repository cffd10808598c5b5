import type { NextFunction, Request, Response } from 'express';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `10/Oct/2026:13:55:36 +0000`: the time as the Common Log Format writes it, in UTC. */
function logTime(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** A request field as a log line may hold it: quotes, backslashes and control characters escaped. */
function field(text: string | undefined): string {
  if (!text) return '-';
  // eslint-disable-next-line no-control-regex
  return text.replace(/["\\\u0000-\u001f\u007f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Bytes of a chunk as written to a response. */
function chunkBytes(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string')
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return chunk instanceof Uint8Array ? chunk.byteLength : 0;
}

/**
 * One line per answer in the Combined Log Format that Apache, nginx and every log tool read:
 * client, time, request line, status, bytes of body written (counted as they go, so a download
 * cut short logs what it sent), referrer and user agent. A client that leaves before its answer
 * is done is logged with status 499, as nginx does.
 */
export function accessLog(write: (line: string) => void) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = new Date();
    // Read now: a client that leaves takes its socket's address with it.
    const client = request.socket.remoteAddress ?? '-';
    let bytes = 0;
    const originalWrite = response.write.bind(response) as (...args: unknown[]) => boolean;
    const originalEnd = response.end.bind(response) as (...args: unknown[]) => Response;
    response.write = ((...args: unknown[]) => {
      bytes += chunkBytes(args[0], args[1]);
      return originalWrite(...args);
    }) as Response['write'];
    response.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') bytes += chunkBytes(args[0], args[1]);
      return originalEnd(...args);
    }) as Response['end'];
    response.once('close', () => {
      const status = response.writableFinished ? response.statusCode : 499;
      write(
        `${client} - - [${logTime(started)}] ` +
          `"${field(request.method)} ${field(request.originalUrl)} HTTP/${request.httpVersion}" ` +
          `${status} ${bytes === 0 ? '-' : bytes} "${field(request.get('referer'))}" "${field(request.get('user-agent'))}"`,
      );
    });
    next();
  };
}
