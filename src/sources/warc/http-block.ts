import { brotliDecompressSync, constants, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

/**
 * The HTTP message of a response or revisit record, split from the record's own bytes. Parsed
 * here, not by warcio while it reads the file: warcio reads headers until a blank line even past
 * the record's end, and some writers (ArchiveWeb.page's request records) end without one.
 */
export interface HttpMessage {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ", but the first Location and Content-Type kept alone. */
  headers: Map<string, string>;
  /** The body as sent: still chunked and compressed. */
  body: Buffer;
}

/** Headers a second copy of would make nonsense when joined: the first one counts. */
const SINGLE = new Set(['location', 'content-type']);

function headerEnd(block: Buffer): { end: number; next: number } | undefined {
  for (let i = block.indexOf(0x0a); i >= 0 && i < block.length - 1; i = block.indexOf(0x0a, i + 1)) {
    if (block[i + 1] === 0x0a) return { end: i, next: i + 2 };
    if (block[i + 1] === 0x0d && block[i + 2] === 0x0a) return { end: i, next: i + 3 };
  }
  return undefined;
}

function parseOne(block: Buffer): HttpMessage | undefined {
  const split = headerEnd(block);
  const head = block.subarray(0, split?.end ?? block.length).toString('latin1');
  const [statusLine = '', ...lines] = head.split(/\r?\n/);
  const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/i.exec(statusLine)?.[1];
  if (status === undefined) return undefined;
  const headers = new Map<string, string>();
  let last = '';
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`); // an old-style folded line
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!headers.has(last)) headers.set(last, value);
    else if (!SINGLE.has(last)) headers.set(last, `${headers.get(last)}, ${value}`);
  }
  return { status: Number(status), headers, body: split ? block.subarray(split.next) : Buffer.alloc(0) };
}

/**
 * The status, headers and body of an HTTP response block; undefined when it is not one. Interim
 * answers (`100 Continue`) before the real one are passed over.
 */
export function parseHttpMessage(block: Buffer): HttpMessage | undefined {
  let message = parseOne(block);
  while (message && message.status >= 100 && message.status < 200 && message.status !== 101) {
    const next = parseOne(message.body);
    if (!next) break;
    message = next;
  }
  return message;
}

/** Chunked transfer coding undone; a body that is not chunked after all is given back as it is. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf(0x0a, at);
    if (lineEnd < 0) return at === 0 ? body : Buffer.concat(parts); // not chunked, or cut short: what came whole is kept
    const written = body.subarray(at, lineEnd).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-f]{1,8}$/i.test(written)) return parts.length === 0 ? body : Buffer.concat(parts);
    const size = parseInt(written, 16);
    if (size === 0) break;
    const start = lineEnd + 1;
    parts.push(body.subarray(start, Math.min(start + size, body.length)));
    at = start + size;
    if (body[at] === 0x0d) at++;
    if (body[at] === 0x0a) at++;
    if (at >= body.length) break;
  }
  return Buffer.concat(parts);
}

/** Flushing what has arrived: a body cut short (a WARC-Truncated record) gives what it holds. */
const PARTIAL = { finishFlush: constants.Z_SYNC_FLUSH };

function undo(encoding: string, bytes: Buffer): Buffer {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes, PARTIAL);
    case 'deflate':
      // Servers send it with zlib's wrapper or, against the standard, without.
      try {
        return inflateSync(bytes, PARTIAL);
      } catch {
        return inflateRawSync(bytes, PARTIAL);
      }
    case 'br':
      return brotliDecompressSync(bytes, { finishFlush: constants.BROTLI_OPERATION_FLUSH });
    default:
      throw new Error(`unknown encoding ${encoding}`);
  }
}

/**
 * The body as the browser saw it: chunked transfer coding undone, then the content encodings,
 * last applied first (`gzip, br` is br around gzip). A body that does not decode is kept as sent.
 */
export function decodeBody(message: HttpMessage): Buffer {
  const transfer = (message.headers.get('transfer-encoding') ?? '').toLowerCase();
  let bytes = transfer.split(',').some((part) => part.trim() === 'chunked') ? dechunk(message.body) : message.body;
  const encodings = (message.headers.get('content-encoding') ?? '')
    .toLowerCase()
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== 'identity');
  for (const encoding of encodings.reverse()) {
    try {
      bytes = undo(encoding, bytes);
    } catch {
      return bytes; // sent as compressed but not: kept as sent
    }
  }
  return bytes;
}
