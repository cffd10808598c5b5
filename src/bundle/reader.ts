import { pipeline, Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { FerryError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import { SourceReader } from './central-directory.js';
import { crcGuard, deflatedCrcGuard } from './crc-guard.js';
import { damagedEntry } from './damaged.js';
import { parseManifest, type Manifest } from './manifest.js';
import { openByteSource } from './parts.js';
import { IndexReader, type StoredRecord } from './index-reader.js';
import { CONTENT_PREFIX, DICTIONARY_NAME, MANIFEST_NAME } from './names.js';
import { EntryKind, type IndexHeader, type IndexRecord } from './path-index.js';
import { TaskLimit } from './task-limit.js';
import { entryDataOffset } from './entry-data.js';
import { inflateAtMost } from './inflate.js';
import { ZSTD_METHOD } from './precompressed-entries.js';
import { decompressWithDictionary, loadZstd } from './zstd.js';

export type { StoredRecord } from './index-reader.js';

const WHOLE_READ_LIMIT = 4 * 1024 * 1024;
const CHECK_CHUNK = 1024 * 1024;
/** Entries checked whole at once: a first search opens every shard, and each check holds a chunk. */
const CONCURRENT_CHECKS = 4;

/** Reads at any position of one entry's content. */
export interface EntryReads {
  size: number;
  label: string;
  read(offset: number, length: number): Promise<Buffer>;
  /** Bytes held in memory to answer reads: a compressed entry is inflated whole. */
  heldBytes?: number;
  /**
   * On reads opened with `deferCheck`: checks the entry whole against its CRC-32, once. A format
   * with a CRC-32 for each block it reads never needs it; an older one calls it before reading.
   */
  checkWhole?: () => Promise<void>;
}

export interface RandomAccessOptions {
  /** The caller checks what it reads, block by block, or calls `checkWhole` (stored entries only). */
  deferCheck?: boolean;
}

/**
 * An open bundle. Opening reads the ZIP tail, the path index header and its block table,
 * and the manifest; it never walks the central directory, so it costs the same at any size.
 */
export class Bundle {
  /** Set by fromSource right after the index is readable. */
  manifest!: Manifest;
  /** Stored entries read in place whose whole CRC-32 was checked once (search shards, titles). */
  private readonly checkedInPlace = new Map<string, Promise<void>>();
  private readonly checks = new TaskLimit(CONCURRENT_CHECKS);
  /** The zstd dictionary of a compact bundle, read at the first zstd entry. */
  private dictionary: Promise<Buffer> | undefined;

  private constructor(
    readonly source: ByteSource,
    private readonly zip: yauzl.ZipFile,
    private readonly index: IndexReader,
  ) {}

  get indexHeader(): IndexHeader {
    return this.index.header;
  }

  /** Opens a .ferry file, or a split bundle from its first part or base name. */
  static async open(path: string): Promise<Bundle> {
    const source = await openByteSource(path);
    try {
      return await Bundle.fromSource(source);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  static async fromSource(source: ByteSource): Promise<Bundle> {
    const label = source.label;
    const index = await IndexReader.open(source);

    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromRandomAccessReaderPromise(new SourceReader(source), source.size, {
        lazyEntries: true,
        autoClose: false,
        validateEntrySizes: true,
      });
    } catch (error) {
      throw new FerryError('BUNDLE_CORRUPT', `${label}: ${(error as Error).message}`, { cause: error });
    }
    const bundle = new Bundle(source, zip, index);
    const manifestRecord = await bundle.lookup(MANIFEST_NAME);
    if (!manifestRecord || manifestRecord.kind === EntryKind.Redirect) {
      throw new FerryError('BUNDLE_CORRUPT', `${label}: ferry.json is missing.`);
    }
    bundle.manifest = parseManifest(await bundle.read(manifestRecord), label);
    return bundle;
  }

  get label(): string {
    return this.source.label;
  }

  get name(): string {
    return this.manifest.metadata.name;
  }

  /** The record stored under an exact entry name, redirect or not. */
  lookup(name: string): Promise<IndexRecord | undefined> {
    return this.index.lookup(name);
  }

  /** Follows redirects to the stored entry, or undefined when there is none. */
  resolve(name: string): Promise<StoredRecord | undefined> {
    return this.index.resolve(name);
  }

  /** Resolves a collection path (without the `content/` prefix). */
  resolveContent(path: string): Promise<StoredRecord | undefined> {
    return this.resolve(CONTENT_PREFIX + path);
  }

  /** Every record in index order, reading one block at a time. */
  records(): AsyncGenerator<IndexRecord> {
    return this.index.records();
  }

  private yauzlEntry(record: StoredRecord): yauzl.Entry {
    const entry = new yauzl.Entry();
    entry.fileName = record.name;
    entry.relativeOffsetOfLocalHeader = record.locator.offset;
    entry.compressedSize = record.locator.compressedSize;
    entry.uncompressedSize = record.locator.size;
    entry.compressionMethod = record.locator.method;
    entry.generalPurposeBitFlag = 0;
    return entry;
  }

  /**
   * The decoded content; its length is checked against the index, which stops decompression
   * bombs, and its CRC-32 at the end: the last chunk is held back until it matches, so a reader
   * of a damaged entry gets an error instead of every byte.
   */
  async openStream(record: StoredRecord): Promise<Readable> {
    // A zstd entry is small by rule (ZSTD_ENTRY_LIMIT) and decoded whole; damage is a stream error, as for others.
    if (record.locator.method === ZSTD_METHOD) {
      const read = () => this.read(record);
      return Readable.from(
        (async function* () {
          yield await read();
        })(),
      );
    }
    await this.dataOffset(record);
    const stream = await new Promise<Readable>((resolve, reject) => {
      this.zip.openReadStream(this.yauzlEntry(record), (error, stream) => {
        if (error)
          reject(new FerryError('BUNDLE_CORRUPT', `${this.label}: cannot read "${record.name}": ${error.message}`));
        else resolve(stream);
      });
    });
    const guard = crcGuard(record.locator, () => damagedEntry(this.label, record.name));
    pipeline(stream, guard, () => undefined);
    return guard;
  }

  /**
   * The stored deflate stream of an entry between `head` and `tail` (a gzip header and trailer),
   * checked on the way: a copy is inflated to compare its CRC-32, and the last chunk and `tail`
   * follow only when it matches.
   */
  async openCheckedRawStream(record: StoredRecord, head: Buffer, tail: Buffer): Promise<Readable> {
    const raw = await this.openRawStream(record);
    return deflatedCrcGuard(raw, record.locator, { head, tail }, () => damagedEntry(this.label, record.name));
  }

  /** Where the entry's data starts, after checking that its local header is the entry's. */
  private async dataOffset(record: StoredRecord): Promise<number> {
    const start = await entryDataOffset(this.source, record, (name) => this.lookup(name));
    if (start + record.locator.compressedSize > this.source.size) {
      throw new FerryError('BUNDLE_CORRUPT', `${this.label}: "${record.name}" runs past the end of the file.`);
    }
    return start;
  }

  /**
   * The stored bytes as they are in the file (for deflated entries, a raw deflate stream), or
   * the part [from, to) of them, which for a stored entry is that part of its content.
   */
  async openRawStream(record: StoredRecord, from = 0, to = record.locator.compressedSize): Promise<Readable> {
    const start = await this.dataOffset(record);
    return this.source.createReadStream(start + from, start + to);
  }

  /**
   * Positional reads inside an entry's content: straight from the file for a stored entry, from
   * memory for a deflated one (which cannot be read from the middle). A stored entry's CRC-32 is
   * checked once, the first time, by reading it whole; reads that follow trust it. With
   * `deferCheck`, not until `checkWhole` is called: a list of 86 MB whose blocks carry their own
   * CRC-32 then costs its first use a block, not the whole of it.
   */
  async randomAccess(record: StoredRecord, { deferCheck = false }: RandomAccessOptions = {}): Promise<EntryReads> {
    const { size, method } = record.locator;
    const label = `${this.label}: "${record.name}"`;
    const outside = (offset: number, length: number) =>
      new FerryError('BUNDLE_CORRUPT', `${label}: a read of ${length} bytes at ${offset} runs past its end.`);
    if (method !== 0) {
      const data = await this.read(record);
      return {
        size,
        label,
        heldBytes: data.length,
        read: async (offset, length) => {
          if (offset < 0 || offset + length > size) throw outside(offset, length);
          return data.subarray(offset, offset + length);
        },
      };
    }
    const start = await this.dataOffset(record);
    const checkWhole = () => this.checkInPlace(record, start);
    if (!deferCheck) await checkWhole();
    return {
      size,
      label,
      ...(deferCheck ? { checkWhole } : {}),
      read: (offset, length) => {
        if (offset < 0 || offset + length > size) return Promise.reject(outside(offset, length));
        return this.source.read(start + offset, length);
      },
    };
  }

  private checkInPlace(record: StoredRecord, start: number): Promise<void> {
    const key = `${record.locator.offset}\0${record.name}`;
    let check = this.checkedInPlace.get(key);
    if (!check) {
      check = this.checks.run(async () => {
        let crc = 0;
        for (let at = 0; at < record.locator.size; at += CHECK_CHUNK) {
          crc = crc32(await this.source.read(start + at, Math.min(CHECK_CHUNK, record.locator.size - at)), crc);
        }
        if (crc >>> 0 !== record.locator.crc32 >>> 0) throw damagedEntry(this.label, record.name);
      });
      // A failed check stays failed: a file put right is a new file, opened as a new Bundle, and
      // reading a damaged shard whole again for every search would cost a slow card dearly.
      check.catch(() => undefined);
      this.checkedInPlace.set(key, check);
    }
    return check;
  }

  /** The stored bytes in one read, unchecked; for entries small enough to hold in memory. */
  async readRaw(record: StoredRecord): Promise<Buffer> {
    return this.source.read(await this.dataOffset(record), record.locator.compressedSize);
  }

  /** The stored bytes in one read, after checking that they decode to the recorded content. */
  async readRawChecked(record: StoredRecord): Promise<Buffer> {
    const raw = await this.readRaw(record);
    await this.checkedContent(record, raw);
    return raw;
  }

  /**
   * The decoded content, checked against the recorded size and CRC-32. Small entries are read at
   * once and inflated in one call, with the recorded size as the limit, which is much faster
   * than a stream; large ones go through yauzl.
   */
  async read(record: StoredRecord): Promise<Buffer> {
    if (record.locator.compressedSize <= WHOLE_READ_LIMIT || record.locator.method === ZSTD_METHOD) {
      return this.checkedContent(record, await this.readRaw(record));
    }
    const stream = await this.openStream(record);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** The content of stored bytes read whole, inflated within its recorded size and checked against its CRC-32. */
  private async checkedContent(record: StoredRecord, raw: Buffer): Promise<Buffer> {
    const { method } = record.locator;
    const data =
      method === 0 ? raw : method === ZSTD_METHOD ? await this.decode(record, raw) : await this.inflate(record, raw);
    if (data.length !== record.locator.size) {
      throw damagedEntry(this.label, record.name, `it holds ${data.length} bytes, not ${record.locator.size}`);
    }
    if (crc32(data) >>> 0 !== record.locator.crc32 >>> 0) throw damagedEntry(this.label, record.name);
    return data;
  }

  private async decode(record: StoredRecord, frame: Buffer): Promise<Buffer> {
    const result = decompressWithDictionary(frame, await this.zstdDictionary(), record.locator.size);
    if ('why' in result) throw damagedEntry(this.label, record.name, result.why);
    return result.data;
  }

  private zstdDictionary(): Promise<Buffer> {
    this.dictionary ??= (async () => {
      const record = await this.resolve(DICTIONARY_NAME);
      if (!record || record.locator.method !== 0) {
        throw new FerryError('BUNDLE_CORRUPT', `${this.label}: it has zstd entries but no ${DICTIONARY_NAME}.`);
      }
      const [dictionary] = await Promise.all([this.read(record), loadZstd()]);
      return dictionary;
    })();
    return this.dictionary;
  }

  /** At most one byte more than recorded, which is already an error. */
  private inflate(record: StoredRecord, raw: Buffer): Promise<Buffer> {
    return inflateAtMost(raw, record.locator.size + 1).catch((error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ERR_BUFFER_TOO_LARGE'
          ? `it inflates to more than its ${record.locator.size} bytes`
          : `it does not inflate: ${error.message}`;
      throw damagedEntry(this.label, record.name, why);
    });
  }

  async close(): Promise<void> {
    this.zip.close();
    await this.source.close();
  }
}
