import { brotliDecompressSync } from 'node:zlib';
import { AsyncIterReader } from 'warcio';

/**
 * The HTTP message of a response or revisit record, split from the record's own bytes. Parsed
 * here, not by warcio while it reads the file: warcio reads headers until a blank line even past
 * the record's end, and some writers (ArchiveWeb.page's request records) end without one.
 */
export interface HttpMessage {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Map<string, string>;
  /** The body as sent: still chunked and compressed. */
  body: Uint8Array;
}

const LATIN1 = new TextDecoder('latin1');

function headerEnd(block: Uint8Array): { end: number; next: number } | undefined {
  for (let i = 0; i < block.length - 1; i++) {
    if (block[i] !== 0x0a) continue;
    if (block[i + 1] === 0x0a) return { end: i, next: i + 2 };
    if (block[i + 1] === 0x0d && block[i + 2] === 0x0a) return { end: i, next: i + 3 };
  }
  return undefined;
}

/** The status, headers and body of an HTTP response block; undefined when it is not one. */
export function parseHttpMessage(block: Uint8Array): HttpMessage | undefined {
  const split = headerEnd(block);
  const head = LATIN1.decode(block.subarray(0, split?.end ?? block.length));
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
    headers.set(last, headers.has(last) ? `${headers.get(last)}, ${value}` : value);
  }
  return { status: Number(status), headers, body: split ? block.subarray(split.next) : new Uint8Array() };
}

/**
 * The body as the browser saw it: chunked transfer coding undone, then gzip or deflate (by
 * warcio's reader) and br. A body that does not decode is kept as sent.
 */
export async function decodeBody(message: HttpMessage): Promise<Buffer> {
  const transfer = message.headers.get('transfer-encoding')?.toLowerCase() ?? '';
  const encodings = (message.headers.get('content-encoding') ?? '')
    .toLowerCase()
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part !== 'identity');
  const chunked = transfer.split(',').some((part) => part.trim() === 'chunked');
  const zlib = encodings.find((encoding) => encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate');
  const reader = new AsyncIterReader([message.body], zlib === 'deflate' ? 'deflate' : zlib ? 'gzip' : null, chunked);
  const decoded = await reader.readFully();
  const bytes = Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  if (!encodings.includes('br')) return bytes;
  try {
    return brotliDecompressSync(bytes);
  } catch {
    return bytes; // sent as br but not br: kept as sent
  }
}
