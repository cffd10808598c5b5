import { IndexReader, type StoredRecord } from '../../src/bundle/index-reader.js';
import type { Manifest } from '../../src/bundle/manifest.js';
import type { EntryReads, RandomAccessOptions } from '../../src/bundle/reader.js';
import type { SearchableBundle } from '../../src/search/searcher.js';
import { CONTENT_PREFIX, DICTIONARY_NAME, MANIFEST_NAME } from '../../src/bundle/names.js';
import { ZSTD_METHOD } from '../../src/bundle/precompressed-entries.js';
import { decodeFrame } from '../../src/bundle/zstd-frame.js';
import { zstdDecoder } from './zstd.js';
import { entryDataOffset } from '../../src/bundle/entry-data.js';
import type { IndexRecord } from '../../src/bundle/path-index.js';
import { crc32 } from '../../src/bundle/crc32.js';
import type { BlobSource } from './blob-source.js';
import { inflateAtMost } from './inflate.js';

/** The same advice the command line gives: the copy on the stick is damaged, verify it and copy it again. */
function damaged(source: BlobSource, record: StoredRecord, why = 'its CRC-32 does not match'): Error {
  return new Error(
    `${source.label}: "${record.name}" is damaged (${why}). Run "ferry verify" on the bundle, then copy it again from a good source.`,
  );
}

function checked(source: BlobSource, record: StoredRecord, data: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  if (data.length !== record.locator.size || crc32(data) !== record.locator.crc32 >>> 0) throw damaged(source, record);
  return data;
}

/**
 * An entry's content, checked against its CRC-32: stored entries as they are, deflated ones
 * inflated by the browser, zstd ones decoded with the bundle's dictionary.
 */
async function entryBytes(
  source: BlobSource,
  record: StoredRecord,
  bundle: { dictionary(): Promise<Uint8Array>; lookup(name: string): Promise<IndexRecord | undefined> },
): Promise<Uint8Array<ArrayBuffer>> {
  const start = await entryDataOffset(source, record, (name) => bundle.lookup(name));
  // A copy into its own ArrayBuffer, as Blob and the decompressor want.
  const raw = new Uint8Array(await source.read(start, record.locator.compressedSize));
  if (record.locator.method === 0) return checked(source, record, raw);
  if (record.locator.method === ZSTD_METHOD) {
    const [decode, words] = await Promise.all([zstdDecoder(), bundle.dictionary()]);
    const result = decodeFrame(decode, raw, words, record.locator.size);
    if ('why' in result) throw damaged(source, record, result.why);
    return checked(source, record, new Uint8Array(result.data));
  }
  // At most one byte more than recorded, which is already damage.
  const data = await inflateAtMost(raw, record.locator.size + 1).catch(() => {
    throw damaged(source, record);
  });
  return checked(source, record, new Uint8Array(data));
}

/** A bundle read in the browser: the same path index as the server, entries inflated by the browser. */
export class BrowserBundle implements SearchableBundle {
  private readonly checkedInPlace = new Set<string>();
  private dictionary: Promise<Uint8Array> | undefined;

  private constructor(
    private readonly source: BlobSource,
    private readonly index: IndexReader,
    readonly manifest: Manifest,
  ) {}

  static async open(source: BlobSource): Promise<BrowserBundle> {
    const index = await IndexReader.open(source);
    const record = await index.resolve(MANIFEST_NAME);
    if (!record) throw new Error(`${source.label}: ferry.json is missing`);
    const opening = {
      dictionary: () => Promise.reject(new Error(`${source.label}: ferry.json is not readable`)),
      lookup: (name: string) => index.lookup(name),
    };
    const manifest = JSON.parse(new TextDecoder().decode(await entryBytes(source, record, opening))) as Manifest;
    return new BrowserBundle(source, index, manifest);
  }

  resolveContent(path: string): Promise<StoredRecord | undefined> {
    return this.index.resolve(CONTENT_PREFIX + path);
  }

  resolve(name: string): Promise<StoredRecord | undefined> {
    return this.index.resolve(name);
  }

  get name(): string {
    return this.manifest.metadata.name;
  }

  get label(): string {
    return this.source.label;
  }

  /** The content as the search code reads it. */
  async read(record: StoredRecord): Promise<Buffer> {
    return Buffer.from(await this.bytes(record));
  }

  /**
   * Reads at any position of an entry: in place for stored ones (search shards), else from the
   * inflated whole. A stored entry is checked whole once, the first time, like the server does;
   * with `deferCheck`, when the caller calls `checkWhole` (lists whose blocks carry a CRC-32 never do).
   */
  async randomAccess(record: StoredRecord, { deferCheck = false }: RandomAccessOptions = {}): Promise<EntryReads> {
    const { size, method } = record.locator;
    const start = await entryDataOffset(this.source, record, (name) => this.index.lookup(name));
    const whole = method === 0 ? undefined : await this.read(record);
    const checkWhole = async () => {
      if (whole || this.checkedInPlace.has(record.name)) return;
      await this.bytes(record);
      this.checkedInPlace.add(record.name);
    };
    if (!deferCheck) await checkWhole();
    return {
      size,
      label: `${this.label}: ${record.name}`,
      ...(deferCheck ? { checkWhole } : {}),
      read: (offset, length) =>
        whole ? Promise.resolve(whole.subarray(offset, offset + length)) : this.source.read(start + offset, length),
    };
  }

  bytes(record: StoredRecord): Promise<Uint8Array<ArrayBuffer>> {
    return entryBytes(this.source, record, {
      dictionary: () => this.zstdDictionary(),
      lookup: (name) => this.index.lookup(name),
    });
  }

  /** A compact bundle's dictionary, read once, at its first zstd entry. */
  private zstdDictionary(): Promise<Uint8Array> {
    this.dictionary ??= this.index.resolve(DICTIONARY_NAME).then((record) => {
      if (!record || record.locator.method !== 0) {
        throw new Error(`${this.label}: it has zstd entries but no ${DICTIONARY_NAME}`);
      }
      return this.bytes(record);
    });
    return this.dictionary;
  }
}
