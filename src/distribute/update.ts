import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileByteSource } from '../bundle/byte-source.js';
import { readCentralDirectory, type CentralRecord } from '../bundle/central-directory.js';
import { fetchDirectory } from './directory-fetch.js';
import { readZipTail } from '../bundle/zip-tail.js';
import { crc32 } from '../bundle/crc32.js';
import { DICTIONARY_NAME, INDEX_NAME } from '../bundle/names.js';
import { ZSTD_METHOD } from '../bundle/precompressed-entries.js';
import type { IndexRecord } from '../bundle/path-index.js';
import { Bundle } from '../bundle/reader.js';
import { rebuildIndex } from './rebuild-index.js';
import { FerryError } from '../errors.js';
import { HttpByteSource, NoRangeError, withRetries } from './http-source.js';
import { downloadProblem, publishedSha256 } from './check-download.js';
import { writeAll } from './file-writes.js';
import { sha256File } from './pieces.js';
import { PieceByteSource } from './fetch/piece-byte-source.js';
import { resolveSources } from './fetch/resolve-sources.js';
import { wholeFileSource, type Source } from './fetch/source.js';
import type { MetalinkFile } from './metalink-parse.js';

/** The new edition as read from its sources: one URL by Range, or pieces from several, checked. */
type RemoteFile = HttpByteSource | PieceByteSource;

export interface UpdateOptions {
  /** Private-network sources first (--prefer-lan). */
  preferLan?: boolean;
  /** Where this machine is (ISO 3166-1 alpha-2): mirrors a Metalink places there are asked first. */
  country?: string | undefined;
  /** Told of each source dropped, with why. */
  onDrop?: (source: Source) => void;
}

export interface UpdateResult {
  /** delta: rebuilt from the old file and fetched ranges; full: downloaded whole; current: nothing to do. */
  mode: 'delta' | 'full' | 'current';
  size: number;
  fetched: number;
  reused: number;
  seconds: number;
  /** Why much was fetched, when the new edition says so: another compression dictionary. */
  hint?: string;
  /** The sources used, with what each sent or why it was dropped (several only with a Metalink). */
  sources: Source[];
}

/**
 * A compact edition packed without --base has a dictionary of its own, and every page's bytes
 * change with it: the publisher can do better, and the user should know why the update is large.
 */
function dictionaryHint(oldRecords: CentralRecord[], newRecords: CentralRecord[]): string | undefined {
  const dictionaryOf = (records: CentralRecord[]) => records.find((record) => record.name === DICTIONARY_NAME);
  const [before, after] = [dictionaryOf(oldRecords), dictionaryOf(newRecords)];
  if (!after || (before && before.crc32 === after.crc32 && before.size === after.size)) return undefined;
  if (!before) return 'the new edition is compact and the old one was not, so its pages were fetched again';
  return 'the new edition has another compression dictionary (it was not packed with --base the old one), so its pages were fetched again';
}

const COPY_CHUNK = 4 * 1024 * 1024;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;

/** One piece of the new file: copied from the old one, fetched, or the path index, rebuilt. */
type Segment =
  | { kind: 'copy'; from: number; length: number; dosTime: number; dosDate: number }
  | { kind: 'fetch'; from: number; length: number }
  | { kind: 'index'; from: number; length: number; record: CentralRecord };

interface Region {
  record: CentralRecord;
  start: number;
  length: number;
}

/** Each entry's span in the file: its local header, data and descriptor, up to the next entry. */
function regions(records: CentralRecord[], centralDirectoryOffset: number): Region[] {
  const sorted = [...records].sort((a, b) => a.offset - b.offset);
  return sorted.map((record, index) => {
    const end = sorted[index + 1]?.offset ?? centralDirectoryOffset;
    return { record, start: record.offset, length: end - record.offset };
  });
}

/**
 * The plan: an entry whose name, CRC, sizes, method and span are the same in the old file is
 * copied from it (only the time in its local header may differ, and is set from the new
 * directory); everything else is fetched, neighbouring ranges in one request. A zstd entry is
 * copied only when both editions have the same dictionary: with another, the same content and
 * sizes can still be other bytes.
 */
function plan(oldRegions: Region[], newRegions: Region[], newSize: number, sameDictionary: boolean): Segment[] {
  const old = new Map(oldRegions.map((region) => [region.record.name, region]));
  const segments: Segment[] = [];
  const fetch = (from: number, length: number) => {
    const last = segments[segments.length - 1];
    if (last?.kind === 'fetch' && last.from + last.length === from) last.length += length;
    else segments.push({ kind: 'fetch', from, length });
  };
  let position = 0;
  for (const region of newRegions) {
    if (region.start > position) fetch(position, region.start - position);
    const { record } = region;
    const match = old.get(record.name);
    const same =
      match !== undefined &&
      match.length === region.length &&
      match.record.crc32 === record.crc32 &&
      match.record.compressedSize === record.compressedSize &&
      match.record.size === record.size &&
      match.record.method === record.method &&
      match.record.flags === record.flags &&
      (record.method !== ZSTD_METHOD || sameDictionary);
    if (!same && record.name === INDEX_NAME) {
      segments.push({ kind: 'index', from: region.start, length: region.length, record });
    } else if (same) {
      segments.push({
        kind: 'copy',
        from: match.start,
        length: region.length,
        dosTime: record.dosTime,
        dosDate: record.dosDate,
      });
    } else {
      fetch(region.start, region.length);
    }
    position = region.start + region.length;
  }
  fetch(position, newSize - position);
  return segments;
}

/**
 * The path index's region (local header, data) made from the old edition's index and the new
 * central directory, fetching only what they cannot tell (rebuild-index.ts); undefined when the
 * result does not match the directory's CRC-32, and the region is fetched whole instead.
 */
async function rebuiltIndexRegion(
  remote: RemoteFile,
  segment: { from: number; length: number; record: CentralRecord },
  newRecords: CentralRecord[],
  oldPath: string,
): Promise<Buffer | undefined> {
  const { record } = segment;
  if (record.method !== 0) return undefined;
  const local = await remote.read(segment.from, 30);
  if (local.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) return undefined;
  const headerLength = 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  // What follows the data up to the directory: its data descriptor, when it has one.
  const trailing = segment.length - headerLength - record.size;
  if (trailing < 0 || trailing > 24) return undefined;
  let old: Bundle | undefined;
  try {
    old = await Bundle.open(oldPath);
    const oldRecords = new Map<string, IndexRecord>();
    for await (const each of old.records()) oldRecords.set(each.name, each);
    const data = await rebuildIndex(remote, segment.from + headerLength, record.size, newRecords, oldRecords);
    if (data.length !== record.size || crc32(data) !== record.crc32 >>> 0) return undefined;
    const dataEnd = segment.from + headerLength + record.size;
    return Buffer.concat([
      local,
      await remote.read(segment.from + 30, headerLength - 30),
      data,
      await remote.read(dataEnd, trailing),
    ]);
  } catch {
    // An index the old edition cannot explain (or an old file whose own index is damaged) is simply fetched.
    return undefined;
  } finally {
    await old?.close();
  }
}

/** A source whose file is not the one its Metalink describes: an older edition, or a wrong file. */
function notDescribed(url: string, size: number, metalink: MetalinkFile): FerryError {
  return new FerryError(
    'INPUT_INVALID',
    `${url} does not send the file its Metalink describes (${size} bytes against ${metalink.size}, or other bytes); the old file is kept. Try another mirror.`,
  );
}

/** Checks the new file whole before it replaces anything. */
async function checkNewFile(path: string, url: string, metalink: MetalinkFile | undefined): Promise<void> {
  const problem = await downloadProblem(path, { sha256: metalink?.sha256 ?? (await publishedSha256(url)) });
  if (problem) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `The updated bundle is not sound: ${problem}; the old file is kept. The server may have sent wrong bytes: try again later or from another mirror.`,
    );
  }
}

async function downloadWhole(url: string, temporary: string): Promise<number> {
  return withRetries(`Downloading ${url}`, async () => {
    const response = await fetch(url);
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const handle = await open(temporary, 'w');
    let size = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        await writeAll(handle, Buffer.from(chunk), size);
        size += chunk.length;
      }
    } finally {
      await handle.close();
    }
    return size;
  });
}

/**
 * Brings `oldPath` up to the bundle at `url` the way zsync does: reads the new file's central
 * directory by Range, copies every entry the old file already has, fetches the rest, verifies
 * the result whole and only then puts it in place of the old file. A server without Range gets
 * a whole download, verified the same way.
 */
export async function updateBundle(
  oldPath: string,
  urls: string | string[],
  options: UpdateOptions = {},
): Promise<UpdateResult> {
  const started = performance.now();
  const given = typeof urls === 'string' ? [urls] : urls;
  // One URL is read as before, by exact ranges; a Metalink is looked for only beside several.
  const { metalink, metalinkText, sources } = await resolveSources(given, given.length > 1);
  // The Metalink crossed the link too: it counts in what the update fetched.
  const metalinkBytes = metalinkText === undefined ? 0 : Buffer.byteLength(metalinkText);
  // Pieces from several sources, each checked before use; from one, the exact ranges (fewer bytes
  // than whole pieces), the file checked whole at the end against the Metalink's SHA-256.
  const inPieces = metalink !== undefined && sources.length > 1;
  const used = inPieces ? sources : sources.slice(0, 1);
  const url = used[0]?.url;
  if (!url) {
    throw new FerryError(
      'USAGE',
      metalink
        ? 'The .meta4 names no place to fetch the file from: give its URL too.'
        : 'Give the URL of the new edition, or its .meta4.',
    );
  }
  const oldSource = await FileByteSource.open(oldPath);
  const temporary = join(dirname(oldPath), `.${basename(oldPath)}.${process.pid}.update.tmp`);
  const done = (mode: UpdateResult['mode'], size: number, fetched: number, reused: number): UpdateResult => ({
    mode,
    size,
    fetched: fetched + metalinkBytes,
    reused,
    seconds: (performance.now() - started) / 1000,
    sources: used,
  });
  /** The new edition downloaded whole from `from`, checked, and put in place of the old file; its size. */
  const replaceWhole = async (from: string): Promise<number> => {
    const size = await downloadWhole(from, temporary);
    await checkNewFile(temporary, from, metalink);
    await rename(temporary, oldPath);
    return size;
  };
  try {
    let remote: RemoteFile;
    try {
      remote = inPieces ? new PieceByteSource(url, metalink, sources, options) : await HttpByteSource.open(url);
    } catch (error) {
      if (!(error instanceof NoRangeError)) throw error;
      const size = await replaceWhole(url);
      return done('full', size, size, 0);
    }
    if (metalink && remote.size !== metalink.size) throw notDescribed(url, remote.size, metalink);
    const tail = await readZipTail(remote);
    const directory = inPieces ? undefined : await fetchDirectory(url, remote.size, tail);
    if (directory && remote instanceof HttpByteSource)
      remote.keep(tail.centralDirectoryOffset, directory.data, directory.fetched);
    else await remote.prefetch(tail.centralDirectoryOffset, remote.size);
    const newRecords = await readCentralDirectory(remote);
    const oldTail = await readZipTail(oldSource);
    if (oldSource.size === remote.size) {
      const oldDirectory = await oldSource.read(
        oldTail.centralDirectoryOffset,
        oldSource.size - oldTail.centralDirectoryOffset,
      );
      const newDirectory = await remote.read(tail.centralDirectoryOffset, remote.size - tail.centralDirectoryOffset);
      // The directory holds every entry's CRC, size and offset: the same directory, the same file.
      if (oldDirectory.equals(newDirectory)) {
        if (!metalink || (await sha256File(oldPath)) === metalink.sha256)
          return done('current', remote.size, remote.fetched, oldSource.size);
        // The same entries listed, other bytes: the local copy is damaged. Fetched whole, and checked.
        const size = await replaceWhole(url);
        return {
          ...done('full', size, size, 0),
          hint: 'the old file was damaged (its SHA-256 is not that of the same edition), so it was fetched whole',
        };
      }
    }
    const oldDirectory = await readCentralDirectory(oldSource);
    const hint = dictionaryHint(oldDirectory, newRecords);
    const oldRegions = regions(oldDirectory, oldTail.centralDirectoryOffset);
    // No hint: no new dictionary, or the old one again.
    const sameDictionary = hint === undefined;
    const segments = plan(oldRegions, regions(newRecords, tail.centralDirectoryOffset), remote.size, sameDictionary);

    await rm(temporary, { force: true }); // left by a run that was killed
    const handle = await open(temporary, 'wx');
    let position = 0;
    let reused = 0;
    try {
      const fetchRange = async (from: number, length: number) => {
        for await (const chunk of remote.chunks(from, from + length)) {
          await writeAll(handle, chunk, position);
          position += chunk.length;
        }
      };
      for (const segment of segments) {
        if (segment.kind === 'fetch') {
          await fetchRange(segment.from, segment.length);
          continue;
        }
        if (segment.kind === 'index') {
          const rebuilt = await rebuiltIndexRegion(remote, segment, newRecords, oldPath);
          if (rebuilt) {
            await writeAll(handle, rebuilt, position);
            position += rebuilt.length;
          } else {
            await fetchRange(segment.from, segment.length);
          }
          continue;
        }
        for (let offset = 0; offset < segment.length; offset += COPY_CHUNK) {
          const chunk = await oldSource.read(segment.from + offset, Math.min(COPY_CHUNK, segment.length - offset));
          if (offset === 0) {
            if (chunk.readUInt32LE(0) !== LOCAL_HEADER_SIGNATURE) {
              throw new FerryError(
                'BUNDLE_CORRUPT',
                `${oldPath}: an entry's local header is damaged; run ferry verify.`,
              );
            }
            chunk.writeUInt16LE(segment.dosTime, 10);
            chunk.writeUInt16LE(segment.dosDate, 12);
          }
          await writeAll(handle, chunk, position);
          position += chunk.length;
        }
        reused += segment.length;
      }
    } finally {
      await handle.close();
    }
    if ((await stat(temporary)).size !== remote.size) {
      throw new FerryError('BUNDLE_CORRUPT', 'The rebuilt bundle has the wrong size; the old file is kept.');
    }
    await checkNewFile(temporary, url, metalink);
    await rename(temporary, oldPath);
    return { ...done('delta', remote.size, remote.fetched, reused), ...(hint ? { hint } : {}) };
  } catch (error) {
    await rm(temporary, { force: true });
    // Published with piece hashes, but served only whole: a whole download, checked the same way.
    const whole = inPieces ? wholeFileSource(sources) : undefined;
    if (!whole) throw error;
    try {
      const size = await replaceWhole(whole.url);
      return { ...done('full', size, size, 0), sources: [whole] };
    } catch (wholeError) {
      await rm(temporary, { force: true });
      throw wholeError;
    }
  } finally {
    await oldSource.close();
  }
}
