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

/**
 * One line per answer in the Combined Log Format that Apache, nginx and every log tool read:
 * client, time, request line, status, bytes of body (its Content-Length; "-" when streamed
 * without one), referrer and user agent. Written when the answer ends, or when the client goes
 * away first (with the status as it stood).
 */
export function accessLog(write: (line: string) => void) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = new Date();
    response.once('close', () => {
      const length = response.getHeader('content-length');
      const bytes = request.method === 'HEAD' || length === undefined ? '-' : String(length);
      write(
        `${request.socket.remoteAddress ?? '-'} - - [${logTime(started)}] ` +
          `"${field(request.method)} ${field(request.originalUrl)} HTTP/${request.httpVersion}" ` +
          `${response.statusCode} ${bytes} "${field(request.get('referer'))}" "${field(request.get('user-agent'))}"`,
      );
    });
    next();
  };
}
