import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import archiver from 'archiver';
import { FerryError } from '../errors.js';
import { batchCentralDirectoryWrites } from './batch-central-directory.js';
import { FileByteSource } from './byte-source.js';
import { forEachCentralRecord } from './central-directory.js';
import { contentDigest, type DigestLine } from './digest.js';
import type { Manifest } from './manifest.js';
import { assertValidName, INDEX_NAME, MANIFEST_NAME } from './names.js';
import { EntryKind, encodeIndex, sortRecords, type IndexRecord, type StoredKind } from './path-index.js';
import { localDataOffset, readLastCentralRecord, readZipTail } from './zip-tail.js';

/** zlib level 6: the usual balance; fixed so that output is deterministic (FORMAT.md §6). */
const DEFLATE_LEVEL = 6;
const MAX_PENDING_ENTRIES = 32;
const OUTPUT_BUFFER_BYTES = 4 * 1024 * 1024;
const DOS_EPOCH = Date.UTC(1980, 0, 1, 0, 0, 2);

type RedirectRecord = Extract<IndexRecord, { kind: EntryKind.Redirect }>;

/** An entry added but not yet located; its SHA-256 is at the same position in the hash pool. */
interface PendingRecord {
  name: string;
  kind: StoredKind;
  mediaType: string;
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
  /** SHA-256 of every stored entry, 32 bytes each in adding order: one buffer, not a million. */
  private hashes = Buffer.alloc(32 * 1024);
  private readonly redirects: RedirectRecord[] = [];
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
    batchCentralDirectoryWrites(this.archive);
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
    this.keepHash(createHash('sha256').update(data).digest());
    this.stored.push({ name, kind, mediaType });
    this.archive.append(data, { name, date: this.mtime, mode: 0o644, store: !compress });
    this.appended++;
    while (this.appended - this.processed > MAX_PENDING_ENTRIES && !this.failure) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** Adds ferry.json: call it last, after contentDigest() has been taken for it. */
  addManifest(manifest: Manifest): Promise<void> {
    const data = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
    return this.add({ name: MANIFEST_NAME, data, kind: EntryKind.Data, mediaType: 'application/json', compress: true });
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
    const lines: DigestLine[] = this.stored.map((entry, i) => ({ name: entry.name, sha256: this.hashOf(i) }));
    return contentDigest(sortRecords<DigestLine>([...lines, ...this.redirects]));
  }

  private keepHash(digest: Buffer): void {
    const at = this.stored.length * 32;
    if (at + 32 > this.hashes.length) {
      const grown = Buffer.alloc(this.hashes.length * 2);
      this.hashes.copy(grown);
      this.hashes = grown;
    }
    digest.copy(this.hashes, at);
  }

  private hashOf(position: number): Buffer {
    return this.hashes.subarray(position * 32, position * 32 + 32);
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
    const source = await FileByteSource.open(this.tempPath);
    try {
      return await this.patchIndex(source, expectedLength);
    } finally {
      await source.close();
    }
  }

  private async patchIndex(source: FileByteSource, expectedLength: number): Promise<number> {
    // The archiver writes the central directory in the order entries were added.
    const records: IndexRecord[] = [...this.redirects];
    let position = 0;
    await forEachCentralRecord(source, (written) => {
      const entry = this.stored[position];
      if (!entry) return; // The last record is the index itself.
      if (written.name !== entry.name || (written.method !== 0 && written.method !== 8)) {
        throw new Error(
          `internal: the archive holds "${written.name}" (method ${written.method}) where "${entry.name}" was added`,
        );
      }
      const { offset, compressedSize, size, crc32 } = written;
      const method = written.method === 8 ? 8 : 0;
      const locator = {
        offset,
        compressedSize,
        size,
        crc32,
        method,
        mediaType: entry.mediaType,
        sha256: this.hashOf(position),
      } as const;
      records.push({ name: entry.name, kind: entry.kind, locator });
      position++;
    });
    if (position !== this.stored.length) throw new Error('internal: the archive holds fewer entries than were added');
    const index = encodeIndex(sortRecords(records));
    if (index.length !== expectedLength) throw new Error('internal: the path index changed size');

    const tail = await readZipTail(source);
    const last = await readLastCentralRecord(source, tail, INDEX_NAME);
    const dataOffset = await localDataOffset(source, last.localHeaderOffset);

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
