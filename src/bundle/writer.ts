import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import archiver from 'archiver';
import { FerryError } from '../errors.js';
import { ExternalSorter } from '../external-sort.js';
import { crc32 } from 'node:zlib';
import { buildDictionary, dictionarySizeFor, SAMPLE_BYTES } from './dictionary-builder.js';
import { contentDigest, type DigestLine } from './digest.js';
import type { Manifest } from './manifest.js';
import { assertValidName, DICTIONARY_NAME, INDEX_NAME, MANIFEST_NAME } from './names.js';
import { EntryKind, isCompressionMethod, sortableRecord, splitSortable, type StoredKind } from './path-index.js';
import { IdenticalContents } from './identical-contents.js';
import { encodeIndex } from './index-encoder.js';
import { acceptPrecompressed, ZSTD_METHOD } from './precompressed-entries.js';
import { spillCentralDirectory, type WrittenEntry } from './spill-central-directory.js';
import { trackTempFile, untrackTempFile } from './temp-files.js';
import { createFrameMaker, type FrameMaker } from './compress-pool.js';
import { loadZstd } from './zstd.js';
import { ZSTD_ENTRY_LIMIT } from './zstd-frame.js';

/** zlib level 6: the usual balance; fixed so that output is deterministic (FORMAT.md §6). */
const DEFLATE_LEVEL = 6;
const MAX_PENDING_ENTRIES = 32;
/** Entries added and waiting for their frame, at most, and their bytes: each holds its content in memory. */
const MAX_QUEUED_ENTRIES = 64;
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
const OUTPUT_BUFFER_BYTES = 4 * 1024 * 1024;
const DOS_EPOCH = Date.UTC(1980, 0, 1, 0, 0, 2);
/**
 * zstd level 9: within 5–9% of level 19's bytes at a twelfth to a twentieth of its time in
 * WebAssembly, where every entry loads the dictionary again (BENCHMARKS.md). Fixed so output is
 * deterministic.
 */
const ZSTD_LEVEL = 9;

/** An entry given to the archiver and not yet written; entries complete in the order they are added. */
interface PendingEntry {
  name: string;
  kind: StoredKind;
  mediaType: string;
  /** SHA-256 of the content, or the hash still taking a stream's bytes. */
  sha256: Buffer | Hash;
  /** A copy's symbolic link, whose record IdenticalContents makes. */
  link?: true;
}

export interface NewEntry {
  name: string;
  data: Buffer;
  kind: StoredKind;
  mediaType: string;
  /** Deflate or zstd (text) or store (already compressed), FORMAT.md §1. */
  compress: boolean;
}

/**
 * Text worth a zstd frame: compressed, not empty, and small enough to be decoded whole. The
 * manifest stays deflated, so any ZIP tool reads a bundle's metadata and opening needs no zstd.
 */
function isZstdCandidate(entry: NewEntry): boolean {
  return (
    entry.compress && entry.name !== MANIFEST_NAME && entry.data.length > 0 && entry.data.length <= ZSTD_ENTRY_LIMIT
  );
}

export interface WriterOptions {
  /** Modification time stamped on every entry. */
  mtime: Date;
  /** Bytes of index records sorted in memory before a run goes to disk (tests make it small). */
  sortRunBytes?: number;
  /**
   * Compact compression (FORMAT.md §1): text entries become zstd frames made against this
   * raw-content dictionary, which is stored as the first entry. With 'from-first-entries' the
   * dictionary is built from the first entries added (held until SAMPLE_BYTES of text came),
   * for a source that cannot offer samples from all over the collection beforehand.
   */
  dictionary?: Buffer | 'from-first-entries' | undefined;
}

/**
 * Writes a bundle to a temporary file beside the target and renames it into place on finish,
 * so the target is either the old file or the complete new one, never half written. What it
 * keeps per entry (its index record and its central directory record) goes to temporary files
 * beside it, so a bundle of millions of entries is written in bounded memory.
 */
export class BundleWriter {
  private readonly archive = archiver('zip', { zlib: { level: DEFLATE_LEVEL }, forceLocalTime: false });
  private readonly output: WriteStream;
  private readonly pending: PendingEntry[] = [];
  /** Index records (FORMAT.md §4), sorted on disk when there are more than memory should hold. */
  private readonly records: ExternalSorter;
  private readonly centralDirectory: { remove(): void };
  private readonly mediaTypes = new Map<string, number>();
  private readonly done: Promise<void>;
  private appended = 0;
  private processed = 0;
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private readonly mtime: Date;
  private readonly temporaryFiles = new Set<string>();
  private readonly precompressed = acceptPrecompressed(this.archive);
  private readonly identical = new IdenticalContents();
  private dictionary: Buffer | undefined;
  /** Makes zstd frames, in worker threads where there are cores for them. */
  private frames: FrameMaker | undefined;
  /** The last entry's way into the archive: entries go in the order they were added. */
  private ordered: Promise<void> = Promise.resolve();
  private readonly queued: { written: Promise<void>; bytes: number }[] = [];
  private queuedBytes = 0;
  /** Entries held until the dictionary is built from them ('from-first-entries'). */
  private sampling: { entries: NewEntry[]; textBytes: number } | undefined;

  private constructor(
    readonly targetPath: string,
    readonly tempPath: string,
    options: WriterOptions,
  ) {
    this.mtime = new Date(Math.max(options.mtime.getTime(), DOS_EPOCH));
    if (options.dictionary === 'from-first-entries') this.sampling = { entries: [], textBytes: 0 };
    this.temporaryFiles.add(tempPath);
    trackTempFile(tempPath);
    this.records = new ExternalSorter(this.spillPath('index'), options.sortRunBytes);
    // A large buffer lets the archiver run ahead of the disk instead of stalling every few entries.
    this.output = createWriteStream(tempPath, { flags: 'wx', highWaterMark: OUTPUT_BUFFER_BYTES });
    this.done = new Promise((resolve, reject) => {
      this.output.on('close', resolve);
      const fail = (error: Error) => {
        this.failure ??= error;
        this.wake();
        reject(error);
      };
      this.output.on('error', fail);
      this.archive.on('error', fail);
      this.archive.on('warning', fail);
    });
    this.done.catch(() => undefined);
    this.archive.on('entry', () => {
      this.processed++;
      this.wake();
    });
    this.centralDirectory = spillCentralDirectory(this.archive, this.spillPath('central'), (written) =>
      this.located(written),
    );
    this.archive.pipe(this.output);
  }

  static async create(targetPath: string, options: WriterOptions): Promise<BundleWriter> {
    const folder = dirname(targetPath);
    const folderStats = await stat(folder).catch(() => undefined);
    if (!folderStats?.isDirectory()) {
      throw new FerryError(
        'OUTPUT_INVALID',
        `Cannot write "${targetPath}": the folder "${folder}" does not exist. Create it first.`,
      );
    }
    const existing = await stat(targetPath).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new FerryError(
        'OUTPUT_INVALID',
        `Cannot write "${targetPath}": it is a folder. Give a file name such as site.ferry.`,
      );
    }
    const tempPath = join(folder, `.${basename(targetPath)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    if (options.dictionary) await loadZstd();
    const writer = new BundleWriter(targetPath, tempPath, options);
    try {
      if (Buffer.isBuffer(options.dictionary)) await writer.useDictionary(options.dictionary);
    } catch (error) {
      // No writer reaches the caller to abort: its temporary file must not stay behind.
      await writer.abort();
      throw error;
    }
    return writer;
  }

  /** Whether text entries are written as zstd frames with a dictionary (compact) or deflated. */
  get compact(): boolean {
    return this.dictionary !== undefined || this.sampling !== undefined;
  }

  private async useDictionary(dictionary: Buffer): Promise<void> {
    const entry = { name: DICTIONARY_NAME, kind: EntryKind.Data, mediaType: 'application/octet-stream' } as const;
    await this.add({ ...entry, data: dictionary, compress: false });
    this.dictionary = dictionary;
    this.frames = createFrameMaker(dictionary, ZSTD_LEVEL);
  }

  /** Builds the dictionary from the entries held back, then writes them in the order they came. */
  private async endSampling(): Promise<void> {
    if (!this.sampling) return;
    const { entries, textBytes } = this.sampling;
    this.sampling = undefined;
    const samples = entries.filter(isZstdCandidate).map((entry) => entry.data);
    await this.useDictionary(buildDictionary(samples, dictionarySizeFor(textBytes)));
    for (const entry of entries) await this.add(entry);
  }

  /** A temporary file beside the bundle's, removed with it: for what a pack sorts on disk. */
  spillPath(purpose: string): string {
    const path = `${this.tempPath}.${purpose}`;
    this.temporaryFiles.add(path);
    trackTempFile(path);
    return path;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Adds one entry; resolves once the archiver has room for more, so memory stays bounded. */
  async add(entry: NewEntry): Promise<void> {
    if (this.sampling) {
      this.sampling.entries.push(entry);
      if (isZstdCandidate(entry)) this.sampling.textBytes += entry.data.length;
      if (this.sampling.textBytes >= SAMPLE_BYTES) await this.endSampling();
      return;
    }
    const { name, data, kind, mediaType, compress } = entry;
    if (this.failure) throw this.failure;
    assertValidName(name);
    const sha256 = createHash('sha256').update(data).digest();
    // A file the same as one added before is a symbolic link to it in the ZIP (FORMAT.md §4.2).
    const first = this.identical.firstOf(name, kind, sha256, mediaType, data.length);
    if (first !== undefined) return this.inOrder(0, () => this.appendLink(name, first));
    if (this.frames && isZstdCandidate(entry)) {
      const frame = this.frames.compress(data);
      frame.catch(() => undefined); // awaited in its turn below
      return this.inOrder(data.length, async () => {
        const compressed = await frame;
        // What zstd cannot shrink is stored, as deflate's header would only add bytes.
        if (compressed.length >= data.length) return this.append({ name, kind, mediaType, sha256 }, data, true);
        this.precompressed.expect(name, { method: ZSTD_METHOD, crc32: crc32(data), size: data.length });
        return this.append({ name, kind, mediaType, sha256 }, compressed, true);
      });
    }
    return this.inOrder(data.length, () => this.append({ name, kind, mediaType, sha256 }, data, !compress));
  }

  /**
   * Queues a step that puts an entry into the archive after those added before it. The caller
   * goes on (reading and indexing the next page) while frames are made, and waits only when
   * MAX_QUEUED_ENTRIES or MAX_QUEUED_BYTES are queued. A step's failure fails the writer.
   */
  private async inOrder(bytes: number, step: () => Promise<void>): Promise<void> {
    const done = this.ordered.then(() => (this.failure ? undefined : step()));
    this.ordered = done.catch((error: Error) => {
      this.failure ??= error;
      this.wake();
    });
    this.queued.push({ written: this.ordered, bytes });
    this.queuedBytes += bytes;
    while (this.queued.length > MAX_QUEUED_ENTRIES || (this.queuedBytes > MAX_QUEUED_BYTES && this.queued.length > 1)) {
      const oldest = this.queued.shift()!;
      await oldest.written;
      this.queuedBytes -= oldest.bytes;
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Adds one stored entry whose bytes come as a stream, for data too large to hold (the title
   * list of a large wiki). The ZIP gives it a data descriptor, as it does every deflated entry.
   */
  async addStream(entry: Omit<NewEntry, 'data' | 'compress'>, pieces: Iterable<Buffer>): Promise<void> {
    await this.endSampling();
    assertValidName(entry.name);
    const sha256 = createHash('sha256');
    const hashed = Readable.from(
      (function* () {
        for (const piece of pieces) {
          sha256.update(piece);
          yield piece;
        }
      })(),
      { objectMode: false },
    );
    await this.inOrder(0, () => this.append({ ...entry, sha256 }, hashed, true));
  }

  private async append(entry: PendingEntry, data: Buffer | Readable, store: boolean): Promise<void> {
    // Names were checked when the entry was added, so a bad one fails its caller, not a later entry.
    if (this.failure) throw this.failure;
    if (!this.mediaTypes.has(entry.mediaType)) this.mediaTypes.set(entry.mediaType, this.mediaTypes.size);
    this.pending.push(entry);
    this.archive.append(data, { name: entry.name, date: this.mtime, mode: 0o644, store });
    this.appended++;
    await this.roomForMore();
  }

  private async roomForMore(): Promise<void> {
    while (this.appended - this.processed > MAX_PENDING_ENTRIES && !this.failure) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** A symbolic link from `name` to `target`, by a path relative to its folder, as a copy of a site would have. */
  private async appendLink(name: string, target: string): Promise<void> {
    if (this.failure) throw this.failure;
    const from = name.split('/').slice(0, -1);
    const to = target.split('/');
    let common = 0;
    while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
    const relative = [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/');
    this.pending.push({ name, kind: EntryKind.Asset, mediaType: '', sha256: Buffer.alloc(0), link: true });
    // As append, not archive.symlink, which would stamp the time of packing on it.
    const link = { name, date: this.mtime, mode: 0o644, store: true, type: 'symlink', linkname: relative };
    this.archive.append(Buffer.from(relative), link as archiver.ZipEntryData);
    this.appended++;
    await this.roomForMore();
  }

  /** An entry is complete in the ZIP: its index record can be made. */
  private located(written: WrittenEntry): void {
    if (written.name === INDEX_NAME) return;
    const entry = this.pending.shift();
    if (!entry || entry.name !== written.name || !isCompressionMethod(written.method)) {
      throw new Error(
        `internal: the archive wrote "${written.name}" (method ${written.method}) where "${entry?.name}" was added`,
      );
    }
    if (entry.link) return;
    const sha256 = Buffer.isBuffer(entry.sha256) ? entry.sha256 : entry.sha256.digest();
    const locator = { ...written, method: written.method, mediaType: entry.mediaType, sha256 };
    const record = { name: entry.name, kind: entry.kind, locator };
    this.records.add(sortableRecord(record, this.mediaTypes.get(entry.mediaType)!));
    this.identical.located(entry.name, locator);
  }

  /** Adds ferry.json: call it last, after contentDigest() has been taken for it. */
  addManifest(manifest: Manifest): Promise<void> {
    const data = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
    return this.add({ name: MANIFEST_NAME, data, kind: EntryKind.Data, mediaType: 'application/json', compress: true });
  }

  addRedirect(name: string, target: string): void {
    assertValidName(name);
    assertValidName(target);
    this.records.add(sortableRecord({ name, kind: EntryKind.Redirect, target }, 0));
  }

  /** Waits until every entry added so far is written and has its record. */
  private async settle(): Promise<void> {
    await this.endSampling();
    await this.ordered;
    this.queued.length = 0;
    this.queuedBytes = 0;
    while (this.processed < this.appended && !this.failure) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
    for (const copy of this.identical.takeCopies()) {
      this.records.add(sortableRecord(copy, this.mediaTypes.get(copy.locator.mediaType)!));
    }
  }

  /** The index records in name order; two with one name are an error. */
  private *sortedRecords(): Generator<Buffer> {
    let previous: Buffer | undefined;
    for (const record of this.records.sorted()) {
      const name = record.subarray(0, record.indexOf(0));
      if (previous?.equals(name)) {
        throw new FerryError('INPUT_INVALID', `Two entries have the same name "${name.toString('utf8')}".`);
      }
      previous = Buffer.from(name);
      yield record;
    }
  }

  /**
   * SHA-256 over every name and content hash added so far, in index order (FORMAT.md §3):
   * call it just before adding ferry.json.
   */
  async contentDigest(): Promise<string> {
    await this.settle();
    const records = this.sortedRecords();
    return contentDigest(
      (function* (): Generator<DigestLine> {
        for (const record of records) {
          const { name, sha256, target } = splitSortable(record);
          yield target === undefined
            ? { name: name.toString('utf8'), sha256: sha256! }
            : { name: name.toString('utf8'), target };
        }
      })(),
    );
  }

  /** Writes the path index last, streamed from the sorted records, then puts the finished file in place. */
  async finish(): Promise<{ bytes: number }> {
    await this.settle();
    const index = Readable.from(
      encodeIndex(() => this.sortedRecords(), [...this.mediaTypes.keys()]),
      { objectMode: false },
    );
    this.archive.append(index, { name: INDEX_NAME, date: this.mtime, mode: 0o644, store: true });
    // A failure (a full disk) rejects `done`; archiver's own promise would then never settle.
    await Promise.race([this.archive.finalize(), this.done]);
    await this.done;
    await this.frames?.close();
    this.removeSpills();
    const handle = await open(this.tempPath, 'r+');
    let bytes: number;
    try {
      await handle.sync();
      bytes = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    await rename(this.tempPath, this.targetPath);
    this.forgetTemporaryFiles();
    return { bytes };
  }

  /** Removes the temporary files; the target is left as it was. */
  async abort(): Promise<void> {
    await this.frames?.close();
    this.archive.abort();
    if (!this.output.closed) {
      // The file may still be opening: wait until it is closed, or it would appear after the unlink.
      const closed = once(this.output, 'close').catch(() => undefined);
      this.output.destroy();
      await closed;
    }
    this.removeSpills();
    await unlink(this.tempPath).catch(() => undefined);
    this.forgetTemporaryFiles();
  }

  private forgetTemporaryFiles(): void {
    for (const path of this.temporaryFiles) untrackTempFile(path);
  }

  private removeSpills(): void {
    this.records.close();
    this.centralDirectory.remove();
  }
}
