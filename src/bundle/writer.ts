import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import archiver from 'archiver';
import yauzl from 'yauzl';
import { FerryError } from '../errors.js';
import { FileByteSource } from './byte-source.js';
import { assertValidName, INDEX_NAME } from './names.js';
import { EntryKind, encodeIndex, sortRecords, type IndexRecord, type StoredKind } from './path-index.js';
import { localDataOffset, readLastCentralRecord, readZipTail } from './zip-tail.js';

/** zlib level 6: the usual balance; fixed so that output is deterministic (FORMAT.md §6). */
const DEFLATE_LEVEL = 6;
const MAX_PENDING_ENTRIES = 32;
const DOS_EPOCH = Date.UTC(1980, 0, 1, 0, 0, 2);

interface PendingRecord {
  name: string;
  kind: StoredKind;
  mediaType: string;
  sha256: Buffer;
}

export interface NewEntry {
  name: string;
  data: Buffer;
  kind: StoredKind;
  mediaType: string;
  /** Deflate (text) or store (already compressed), FORMAT.md §1. */
  compress: boolean;
}

export interface WriterOptions {
  /** Modification time stamped on every entry. */
  mtime: Date;
}

/**
 * Writes a bundle to a temporary file beside the target and renames it into place on finish,
 * so the target is either the old file or the complete new one, never half written.
 */
export class BundleWriter {
  private readonly archive = archiver('zip', { zlib: { level: DEFLATE_LEVEL }, forceLocalTime: false });
  private readonly output: WriteStream;
  private readonly stored: PendingRecord[] = [];
  private readonly redirects: IndexRecord[] = [];
  private readonly names = new Set<string>();
  private readonly done: Promise<void>;
  private appended = 0;
  private processed = 0;
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private readonly mtime: Date;

  private constructor(
    readonly targetPath: string,
    readonly tempPath: string,
    options: WriterOptions,
  ) {
    this.mtime = new Date(Math.max(options.mtime.getTime(), DOS_EPOCH));
    this.output = createWriteStream(tempPath, { flags: 'wx' });
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
    return new BundleWriter(targetPath, tempPath, options);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private claim(name: string): void {
    assertValidName(name);
    if (this.names.has(name)) throw new FerryError('INPUT_INVALID', `Two entries have the same name "${name}".`);
    this.names.add(name);
  }

  /** Adds one entry; resolves once the archiver has room for more, so memory stays bounded. */
  async add(entry: NewEntry): Promise<void> {
    if (this.failure) throw this.failure;
    const { name, data, kind, mediaType, compress } = entry;
    this.claim(name);
    this.stored.push({ name, kind, mediaType, sha256: createHash('sha256').update(data).digest() });
    this.archive.append(data, { name, date: this.mtime, mode: 0o644, store: !compress });
    this.appended++;
    while (this.appended - this.processed > MAX_PENDING_ENTRIES && !this.failure) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  addRedirect(name: string, target: string): void {
    this.claim(name);
    assertValidName(target);
    this.redirects.push({ name, kind: EntryKind.Redirect, target });
  }

  /**
   * SHA-256 over every name and content hash added so far, in index order (FORMAT.md §3):
   * call it just before adding ferry.json.
   */
  contentDigest(): string {
    const lines = sortRecords<PendingRecord | IndexRecord>([...this.stored, ...this.redirects]).map((record) =>
      'target' in record
        ? `${record.name}\t->${record.target}\n`
        : `${record.name}\t${'sha256' in record ? record.sha256.toString('hex') : ''}\n`,
    );
    return 'sha256:' + createHash('sha256').update(lines.join('')).digest('hex');
  }

  /** The index records as they will be written, with locators still empty. */
  private placeholderRecords(): IndexRecord[] {
    const empty = { offset: 0, compressedSize: 0, size: 0, crc32: 0, method: 0 as const, sha256: Buffer.alloc(32) };
    const records: IndexRecord[] = this.stored.map((entry) => ({
      name: entry.name,
      kind: entry.kind,
      locator: { ...empty, mediaType: entry.mediaType },
    }));
    return sortRecords([...records, ...this.redirects]);
  }

  /** Writes the path index last, then renames the finished file onto the target. */
  async finish(): Promise<{ bytes: number }> {
    const placeholder = encodeIndex(this.placeholderRecords());
    this.archive.append(placeholder, { name: INDEX_NAME, date: this.mtime, mode: 0o644, store: true });
    await this.archive.finalize();
    await this.done;
    const bytes = await this.writeIndex(placeholder.length);
    await rename(this.tempPath, this.targetPath);
    return { bytes };
  }

  /** Removes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    this.archive.abort();
    if (!this.output.closed) {
      // The file may still be opening: wait until it is closed, or it would appear after the unlink.
      const closed = once(this.output, 'close').catch(() => undefined);
      this.output.destroy();
      await closed;
    }
    await unlink(this.tempPath).catch(() => undefined);
  }

  /** Fills the placeholder with the real locators read back from the finished ZIP, and fixes its CRC. */
  private async writeIndex(expectedLength: number): Promise<number> {
    const locators = await readCentralDirectory(this.tempPath);
    const sha = new Map(this.stored.map((entry) => [entry.name, entry]));
    const records: IndexRecord[] = [...this.redirects];
    for (const [name, entry] of sha) {
      const locator = locators.get(name);
      if (!locator) throw new Error(`internal: "${name}" is missing from the written archive`);
      records.push({
        name,
        kind: entry.kind,
        locator: { ...locator, mediaType: entry.mediaType, sha256: entry.sha256 },
      });
    }
    const index = encodeIndex(sortRecords(records));
    if (index.length !== expectedLength) throw new Error('internal: the path index changed size');

    const source = await FileByteSource.open(this.tempPath);
    const tail = await readZipTail(source);
    const last = await readLastCentralRecord(source, tail, INDEX_NAME);
    const dataOffset = await localDataOffset(source, last.localHeaderOffset);
    await source.close();

    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32(index) >>> 0);
    const handle = await open(this.tempPath, 'r+');
    try {
      await handle.write(index, 0, index.length, dataOffset);
      await handle.write(checksum, 0, 4, last.localHeaderOffset + 14);
      await handle.write(checksum, 0, 4, last.recordOffset + 16);
      await handle.sync();
      return (await handle.stat()).size;
    } finally {
      await handle.close();
    }
  }
}

type RawLocator = { offset: number; compressedSize: number; size: number; crc32: number; method: 0 | 8 };

/** Reads every central-directory record once; done at pack time only. */
async function readCentralDirectory(path: string): Promise<Map<string, RawLocator>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: true, decodeStrings: true });
  const locators = new Map<string, RawLocator>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      locators.set(entry.fileName, {
        offset: entry.relativeOffsetOfLocalHeader,
        compressedSize: entry.compressedSize,
        size: entry.uncompressedSize,
        crc32: entry.crc32,
        method: entry.compressionMethod === 8 ? 8 : 0,
      });
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return locators;
}
