import { createReadStream } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { WARCParser, type WARCRecord } from 'warcio';

/**
 * The captures of a WARC file (1.0 or 1.1; plain, gzip per record or the whole file gzipped):
 * what a browser was sent for each URL. The first step of packing a web archive; packing
 * itself (paths, links, the bundle) is still to come.
 */
export interface Capture {
  kind: 'response' | 'resource' | 'revisit';
  url: string;
  /** WARC-Date, ISO 8601. */
  date: string;
  /** The HTTP status; a `resource` record (no HTTP) counts as 200. */
  status: number;
  /** The Content-Type sent, parameters included. */
  contentType: string | undefined;
  /** Where a 3xx sends the browser, as sent. */
  location: string | undefined;
  /** The payload digest, labels made one (`sha1:…`, `sha256:…`): revisits name their payload by it. */
  digest: string | undefined;
  /** For a revisit, the capture it repeats, when the record says. */
  refersTo: { url: string; date: string } | undefined;
  /** The body as the browser saw it: chunked transfer coding and gzip, deflate or br undone. Empty for a revisit. */
  body: Buffer;
}

/** `sha-256:` and `SHA256:` are one label (writers differ). */
function normalDigest(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const colon = value.indexOf(':');
  if (colon < 0) return value;
  return `${value.slice(0, colon).toLowerCase().replace(/-/g, '')}:${value.slice(colon + 1)}`;
}

/** warcio undoes gzip and deflate but leaves brotli as it came. */
function undoBrotli(body: Uint8Array, record: WARCRecord): Buffer {
  const encoding = record.httpHeaders?.headers.get('content-encoding')?.toLowerCase() ?? '';
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!encoding.split(',').some((part) => part.trim() === 'br')) return bytes;
  try {
    return brotliDecompressSync(bytes);
  } catch {
    return bytes; // sent as br but not br: kept as sent
  }
}

/**
 * Reads the captures of one WARC file in order. Records that are not captures of a web page
 * (warcinfo, request, metadata) and captures of other schemes (`dns:`, wget's `metadata://`)
 * are skipped; `skipped` counts them.
 */
export async function* readCaptures(path: string, skipped = { count: 0 }): AsyncGenerator<Capture> {
  const parser = new WARCParser(createReadStream(path));
  for await (const record of parser) {
    const kind = record.warcType;
    const url = record.warcTargetURI ?? '';
    if ((kind !== 'response' && kind !== 'resource' && kind !== 'revisit') || !/^https?:\/\//i.test(url)) {
      if (kind === 'response' || kind === 'resource') skipped.count++;
      await record.skipFully();
      continue;
    }
    const http = record.httpHeaders;
    const status = kind === 'resource' ? 200 : Number(http?.statusCode ?? 0);
    const body = kind === 'revisit' ? Buffer.alloc(0) : undoBrotli(await record.readFully(true), record);
    if (kind === 'revisit') await record.skipFully();
    const refersUrl = record.warcHeader('WARC-Refers-To-Target-URI');
    const refersDate = record.warcHeader('WARC-Refers-To-Date');
    yield {
      kind,
      url,
      date: record.warcDate ?? '',
      status,
      contentType: (kind === 'resource' ? record.warcContentType : http?.headers.get('content-type')) ?? undefined,
      location: http?.headers.get('location') ?? undefined,
      digest: normalDigest(record.warcPayloadDigest),
      refersTo: refersUrl && refersDate ? { url: refersUrl, date: refersDate } : undefined,
      body,
    };
  }
}
