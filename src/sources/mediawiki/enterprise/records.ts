import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { FerryError } from '../../../errors.js';
import { DumpDamagedError } from '../dump-reader.js';
import { openDump, type OpenedDump } from '../open-dump.js';

/**
 * One article of a Wikimedia Enterprise HTML dump (a line of its NDJSON): what ferry uses of it.
 * The dumps are .tar.gz files of NDJSON, one JSON object per article, with the Parsoid HTML.
 */
export interface EnterpriseRecord {
  name: string;
  namespace: number;
  html: string;
  /** The titles that redirect here. */
  redirects: string[];
  /** Full titles of its categories, with the wiki's own prefix (`Kategorie:Begriffsklärung`). */
  categories: string[];
  dateModified: string;
  language: string;
  /** The wiki's database name (enwiki) and address. */
  wiki: string;
  wikiUrl: string;
  /** The project's name where the record gives it (Wikipedia), else undefined. */
  wikiName: string | undefined;
}

interface RawRecord {
  name?: unknown;
  namespace?: { identifier?: unknown };
  article_body?: { html?: unknown };
  redirects?: { name?: unknown }[];
  categories?: { name?: unknown }[];
  date_modified?: unknown;
  in_language?: { identifier?: unknown };
  is_part_of?: { identifier?: unknown; url?: unknown; name?: unknown };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function recordOf(raw: RawRecord): EnterpriseRecord | undefined {
  const name = text(raw.name);
  const html = text(raw.article_body?.html);
  if (name === '' || html === '') return undefined;
  const names = (list: { name?: unknown }[] | undefined) =>
    (Array.isArray(list) ? list : []).map((item) => text(item?.name)).filter((value) => value !== '');
  return {
    name,
    namespace: typeof raw.namespace?.identifier === 'number' ? raw.namespace.identifier : 0,
    html,
    redirects: names(raw.redirects),
    categories: names(raw.categories),
    dateModified: text(raw.date_modified),
    language: text(raw.in_language?.identifier),
    wiki: text(raw.is_part_of?.identifier),
    wikiUrl: text(raw.is_part_of?.url),
    wikiName: text(raw.is_part_of?.name) || undefined,
  };
}

/** Whether a file is an Enterprise HTML dump: NDJSON, or a tar of it, gzipped or not. */
export async function isEnterpriseDump(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    let start: Buffer = head.subarray(0, bytesRead);
    if (start[0] === 0x1f && start[1] === 0x8b) start = await gunzipStart(start);
    if (isTar(start)) return /\.(nd)?json$/i.test(start.subarray(0, 100).toString('utf8').replace(/\0.*$/s, ''));
    return /^\s*\{/.test(start.subarray(0, 256).toString('utf8'));
  } finally {
    await handle.close();
  }
}

function isTar(start: Buffer): boolean {
  return start.length >= 512 && start.subarray(257, 262).toString('latin1') === 'ustar';
}

/** The first bytes a cut-off gzip stream gives: enough to know what it holds. */
function gunzipStart(compressed: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const gunzip = createGunzip();
    gunzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = () => resolve(Buffer.concat(chunks));
    gunzip.on('error', done);
    gunzip.on('end', done);
    gunzip.end(compressed);
  });
}

/** The NDJSON streams of a dump: the tar's .ndjson files, or the file itself. */
async function* ndjsonStreams(stream: Readable): AsyncGenerator<{ name: string; stream: NodeJS.ReadableStream }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) return;
  let head = first.value;
  while (head.length < 512) {
    const next = await iterator.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const rest = Readable.from(
    (async function* () {
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  if (!isTar(head)) {
    yield { name: '', stream: rest };
    return;
  }
  const tar = extract();
  rest.on('error', (error) => tar.destroy(error));
  rest.pipe(tar);
  for await (const entry of tar) {
    if (entry.header.type === 'file' && /\.(nd)?json$/i.test(entry.header.name)) {
      yield { name: entry.header.name, stream: entry as unknown as NodeJS.ReadableStream };
    } else {
      entry.resume();
    }
  }
}

export interface RecordReading {
  dump: OpenedDump;
  records: AsyncGenerator<EnterpriseRecord>;
}

/**
 * Reads the articles of an Enterprise dump one line at a time (a line holds one article, up to a
 * few megabytes). A line that is not JSON, or a dump that ends early, is a DumpDamagedError
 * naming the file and line, after the articles before it were given.
 */
export async function readEnterpriseRecords(path: string): Promise<RecordReading> {
  const dump = await openDump(path);
  async function* records(): AsyncGenerator<EnterpriseRecord> {
    let count = 0;
    let where = '';
    try {
      for await (const { name, stream } of ndjsonStreams(dump.stream)) {
        let line = 0;
        for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
          line++;
          where = `${name ? `${name}, ` : ''}line ${line}`;
          if (text.trim() === '') continue;
          let raw: RawRecord;
          try {
            raw = JSON.parse(text) as RawRecord;
          } catch {
            throw new DumpDamagedError(
              `The dump is damaged: ${where} is not a JSON record`,
              'Download it again, or pack the articles before it with --partial.',
              count,
            );
          }
          const record = recordOf(raw);
          if (record) {
            count++;
            yield record;
          }
        }
      }
    } catch (error) {
      if (error instanceof FerryError) throw error;
      throw new DumpDamagedError(
        `The dump ends early or is damaged after ${where || 'its start'} (${(error as Error).message})`,
        'Download it again, or pack the articles before the damage with --partial.',
        count,
      );
    }
  }
  return { dump, records: records() };
}
