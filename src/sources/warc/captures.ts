import type { Readable } from 'node:stream';
import { WARCParser, type WARCRecord } from 'warcio';
import { FerryError } from '../../errors.js';
import { decodeBody, parseHttpMessage } from './http-block.js';
import type { WarcInput } from './inputs.js';
import { decompressed } from './decompressed.js';
import { quietLengthWarnings } from './length-warnings.js';

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
  /** Where the record starts in the file's WARC data (after gzip is undone), and its number there from 0. */
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
    compressed: boolean,
  ) {
    super(
      'INPUT_INVALID',
      `The web archive "${input}" is damaged at byte ${offset}${compressed ? ' of its data after gzip is undone' : ''} ` +
        `(record ${wholeRecords + 1}): ${reason}. Nothing was written. Give --partial to pack the records before the damage.`,
    );
  }
}

/** What readCaptures saw besides captures. */
export interface ReadNotes {
  /** Captures of other schemes (`dns:`, `whois:`, wget's `metadata://`) and responses without HTTP. */
  skipped: number;
  /** URLs the crawl started from, as its records say (wget's arguments, Webrecorder's warcinfo). */
  seeds: string[];
  /** Bytes of the input read so far, as stored (compressed, for a .warc.gz). */
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

/** Why a record is not a whole WARC record, or undefined. */
function recordProblem(record: WARCRecord): string | undefined {
  const version = record.warcHeaders.statusline;
  // 0.17 and 0.18: what Heritrix wrote before WARC became a standard; their records read the same.
  if (!/^WARC\/(1\.[01]|0\.1[78])$/.test(version))
    return `a record starts with "${version.slice(0, 40)}", not WARC/1.0 or WARC/1.1`;
  if (!record.warcType) return 'a record has no WARC-Type';
  const length = record.warcHeader('Content-Length');
  if (length === null || length === undefined) return 'a record has no Content-Length';
  if (!/^\d+$/.test(length)) return `a record's Content-Length is "${length.slice(0, 40)}", not a number of bytes`;
  return undefined;
}

/** Enough of a block for its HTTP headers (a larger head is cut: its headers are what matter). */
const HEAD_BYTES = 64 * 1024;

/**
 * The record's block, whole or only its first HEAD_BYTES (the rest is read and dropped, so a
 * record of any size passes in bounded memory); undefined when the file ends inside it.
 */
async function readBlock(record: WARCRecord, whole: boolean): Promise<Buffer | undefined> {
  const reader = record.reader as AsyncIterable<Uint8Array> & { limit?: number };
  const chunks: Uint8Array[] = [];
  let kept = 0;
  for await (const chunk of reader) {
    if (!whole && kept >= HEAD_BYTES) continue;
    chunks.push(chunk);
    kept += chunk.length;
  }
  if ((reader.limit ?? 0) > 0) return undefined;
  record.consumed = 'content';
  return Buffer.concat(chunks);
}

/**
 * Reads the captures of one WARC input in order, with the bodies of the records `wantBody` asks
 * for (by ordinal; decoding them is most of the work). Records that are not captures of a web
 * page (warcinfo, request, metadata) are passed over; captures of other schemes (and responses
 * that hold no HTTP) are counted in `notes.skipped`. A record cut short, not a WARC record, or
 * in gzip data that does not check out ends the read with a WarcDamagedError naming its byte
 * offset. A capture is given only once the next record's header has been read, so the gzip
 * check of the member around it has passed too.
 */
export async function* readCaptures(
  input: WarcInput,
  options: { wantBody?: (ordinal: number) => boolean; notes?: ReadNotes } = {},
): AsyncGenerator<Capture> {
  const notes = options.notes ?? { skipped: 0, seeds: [], bytesRead: 0 };
  const stream: Readable = await input.open();
  const data = decompressed(stream);
  const parser = new WARCParser(data.chunks, { parseHttp: false });
  const records = parser[Symbol.asyncIterator]();
  const warnings = quietLengthWarnings();
  let ordinal = 0;
  /** The capture read last, given once the next record's header has read. */
  let held: Capture | undefined;
  let lastOffset = 0;
  const damaged = (reason: string) => {
    // The record in hand may be the damaged one: its gzip member is checked only at its end.
    const offset = held?.offset ?? lastOffset;
    const whole = held ? held.ordinal : ordinal;
    return new WarcDamagedError(input.label, offset, reason, whole, data.compressed);
  };
  try {
    for (;;) {
      let next: IteratorResult<WARCRecord>;
      try {
        next = await records.next();
      } catch (error) {
        throw damaged((error as Error).message);
      }
      if (warnings.take()) throw damaged('a record is longer than its Content-Length says');
      notes.bytesRead = data.storedBytes();
      if (held) yield held;
      held = undefined;
      if (next.done) return;
      const record = next.value;
      lastOffset = parser.offset;
      const problem = recordProblem(record);
      if (problem) throw damaged(problem);
      const kind = record.warcType as string;
      const url = record.warcTargetURI ?? '';
      const isWeb = /^https?:\/\//i.test(url);
      const wantBody = isWeb && kind !== 'revisit' && (options.wantBody?.(ordinal) ?? false);
      let block: Buffer | undefined;
      try {
        block = await readBlock(record, wantBody || kind === 'warcinfo' || url === WGET_ARGUMENTS);
      } catch (error) {
        throw damaged((error as Error).message);
      }
      if (!block) throw damaged('the file ends inside this record');
      if (kind === 'resource' && url === WGET_ARGUMENTS) notes.seeds.push(...seedsOfArguments(block.toString()));
      if (kind === 'warcinfo') notes.seeds.push(...seedsOfWarcinfo(block.toString()));
      // A revisit may carry the HTTP headers it repeats, or nothing.
      const http = kind === 'response' || kind === 'revisit' ? parseHttpMessage(block) : undefined;
      const isCapture = isWeb && (kind === 'resource' || kind === 'revisit' || (kind === 'response' && http));
      if (!isCapture) {
        if (kind === 'response' || kind === 'resource') notes.skipped++;
        ordinal++;
        continue;
      }
      let body: Buffer = Buffer.alloc(0);
      if (wantBody) body = http ? decodeBody(http) : block;
      const refersUrl = record.warcHeader('WARC-Refers-To-Target-URI');
      const refersDate = record.warcHeader('WARC-Refers-To-Date');
      held = {
        kind: kind as Capture['kind'],
        url,
        date: record.warcDate ?? '',
        status: http ? http.status : 200,
        contentType: (http ? http.headers.get('content-type') : record.warcContentType) ?? undefined,
        location: http?.headers.get('location'),
        digest: normalDigest(record.warcPayloadDigest),
        refersTo: refersUrl && refersDate ? { url: refersUrl, date: refersDate } : undefined,
        body,
        offset: lastOffset,
        ordinal: ordinal++,
      };
    }
  } finally {
    warnings.release();
    stream.destroy();
  }
}
