import { WARCParser, type WARCRecord } from 'warcio';
import { FerryError } from '../../errors.js';
import { decodeBody, parseHttpMessage } from './http-block.js';
import type { WarcInput } from './inputs.js';

/**
 * The captures of a WARC file (1.0 or 1.1; plain, gzip per record or the whole file gzipped):
 * what a browser was sent for each URL.
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
  /** The body as the browser saw it: chunked transfer coding and gzip, deflate or br undone. Empty for a revisit, and when not asked for. */
  body: Buffer;
  /** Where the record starts in its file (in the compressed bytes of a .warc.gz), and its number there from 0. */
  offset: number;
  ordinal: number;
}

/** A record that is cut short or not a WARC record: where, so a person can look, and how many came whole before it. */
export class WarcDamagedError extends FerryError {
  constructor(
    readonly input: string,
    readonly offset: number,
    readonly reason: string,
    /** Records read whole before the damage. */
    readonly wholeRecords: number,
  ) {
    super(
      'INPUT_INVALID',
      `The web archive "${input}" is damaged at byte ${offset}: ${reason}. Nothing was written. ` +
        'Give --partial to pack the records before the damage.',
    );
  }
}

/** What readCaptures saw besides captures. */
export interface ReadNotes {
  /** Captures of other schemes (`dns:`, `whois:`, wget's `metadata://`). */
  skipped: number;
  /** URLs the crawl started from, as its records say (wget's arguments). */
  seeds: string[];
  /** Bytes of the input read so far (compressed, for a .warc.gz). */
  bytesRead: number;
}

/** `sha-256:` and `SHA256:` are one label (writers differ). */
function normalDigest(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const colon = value.indexOf(':');
  if (colon < 0) return value;
  return `${value.slice(0, colon).toLowerCase().replace(/-/g, '')}:${value.slice(colon + 1)}`;
}

/** wget keeps its command line as a resource record: the URLs on it are the crawl's seeds. */
const WGET_ARGUMENTS = 'metadata://gnu.org/software/wget/warc/wget_arguments.txt';

function seedsOfArguments(text: string): string[] {
  return [...text.matchAll(/"(https?:\/\/[^"]+)"|(?:^|\s)(https?:\/\/\S+)/g)].map((match) => match[1] ?? match[2]!);
}

/** Webrecorder lists the pages of a recording in its warcinfo's json-metadata. */
function seedsOfWarcinfo(fields: string): string[] {
  const json = /^json-metadata:\s*(.*)$/m.exec(fields)?.[1];
  if (!json) return [];
  try {
    const pages = (JSON.parse(json) as { pages?: { url?: unknown }[] }).pages ?? [];
    return pages.map((page) => page.url).filter((url): url is string => typeof url === 'string');
  } catch {
    return [];
  }
}

/**
 * warcio reports a record longer than its Content-Length on the console and reads on; here it
 * is damage like any other. Captured per read: one archive is read at a time.
 */
let lengthWarning: string | undefined;
const consoleWarn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('Content-Length Too Small')) lengthWarning = args[0];
  else consoleWarn(...args);
};

/** Line ends a writer may leave after the last record. */
const TRAILING_BYTES = 4;

/** Why a record is not a whole WARC record, or undefined. */
function recordProblem(record: WARCRecord): string | undefined {
  const version = record.warcHeaders.statusline;
  if (!/^WARC\/1\.[01]$/.test(version))
    return `a record starts with "${version.slice(0, 40)}", not WARC/1.0 or WARC/1.1`;
  if (!record.warcType) return 'a record has no WARC-Type';
  if (!/^\d+$/.test(record.warcHeader('Content-Length') ?? '')) return 'a record has no Content-Length';
  return undefined;
}

/** The record's block, read whole; undefined when the file ends before it does. */
async function readBlock(record: WARCRecord): Promise<Uint8Array | undefined> {
  const raw = await record.readFully(false);
  const left = (record.reader as { limit?: number }).limit ?? 0;
  return left > 0 ? undefined : raw;
}

/**
 * Reads the captures of one WARC input in order, with the bodies of the records `wantBody` asks
 * for (by ordinal; decoding them is most of the work). Records that are not captures of a web
 * page (warcinfo, request, metadata) are passed over; captures of other schemes (and responses
 * that hold no HTTP) are counted in `notes.skipped`. A record cut short or not a WARC
 * record ends the read with a WarcDamagedError naming its byte offset.
 */
export async function* readCaptures(
  input: WarcInput,
  options: { wantBody?: (ordinal: number) => boolean; notes?: ReadNotes } = {},
): AsyncGenerator<Capture> {
  const notes = options.notes ?? { skipped: 0, seeds: [], bytesRead: 0 };
  const stream = await input.open();
  let streamBytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) {
      streamBytes += chunk.length;
      yield chunk;
    }
  }
  const parser = new WARCParser(counted(), { parseHttp: false });
  let ordinal = 0;
  const damaged = (reason: string, offset = parser.offset) =>
    new WarcDamagedError(input.label, offset, reason, ordinal);
  const records = parser[Symbol.asyncIterator]();
  for (;;) {
    lengthWarning = undefined;
    let next: IteratorResult<WARCRecord>;
    try {
      next = await records.next();
    } catch (error) {
      throw damaged((error as Error).message);
    }
    if (lengthWarning) throw damaged('a record is longer than its Content-Length says');
    if (next.done) {
      // warcio ends quietly at a gzip member cut short: bytes left over are a record lost.
      const consumed = parser._reader.getRawOffset();
      if (streamBytes - consumed > TRAILING_BYTES) throw damaged('the file ends inside a record', consumed);
      return;
    }
    const record = next.value;
    const offset = parser.offset;
    const problem = recordProblem(record);
    if (problem) throw damaged(problem, offset);
    const raw = await readBlock(record);
    if (!raw) throw damaged('the file ends inside this record', offset);
    notes.bytesRead = offset + parser.recordLength;
    const kind = record.warcType as string;
    const url = record.warcTargetURI ?? '';
    if (kind === 'resource' && url === WGET_ARGUMENTS)
      notes.seeds.push(...seedsOfArguments(Buffer.from(raw).toString()));
    if (kind === 'warcinfo') notes.seeds.push(...seedsOfWarcinfo(Buffer.from(raw).toString()));
    // A revisit may carry the HTTP headers it repeats, or nothing.
    const http = kind === 'response' || kind === 'revisit' ? parseHttpMessage(raw) : undefined;
    const isCapture =
      (kind === 'resource' || kind === 'revisit' || (kind === 'response' && http)) && /^https?:\/\//i.test(url);
    if (!isCapture) {
      if (kind === 'response' || kind === 'resource') notes.skipped++;
      ordinal++;
      continue;
    }
    const status = http ? http.status : 200;
    let body: Buffer = Buffer.alloc(0);
    if (kind !== 'revisit' && options.wantBody?.(ordinal)) body = http ? await decodeBody(http) : Buffer.from(raw);
    const refersUrl = record.warcHeader('WARC-Refers-To-Target-URI');
    const refersDate = record.warcHeader('WARC-Refers-To-Date');
    yield {
      kind,
      url,
      date: record.warcDate ?? '',
      status,
      contentType: (http ? http.headers.get('content-type') : record.warcContentType) ?? undefined,
      location: http?.headers.get('location'),
      digest: normalDigest(record.warcPayloadDigest),
      refersTo: refersUrl && refersDate ? { url: refersUrl, date: refersDate } : undefined,
      body,
      offset,
      ordinal: ordinal++,
    };
  }
}
