import { IndexReader, type StoredRecord } from '../../src/bundle/index-reader.js';
import { CONTENT_PREFIX, MANIFEST_NAME } from '../../src/bundle/names.js';
import { localDataOffset } from '../../src/bundle/zip-tail.js';
import type { BlobSource } from './blob-source.js';

export interface ReaderManifest {
  mainPage: string;
  metadata: { title: string; language: string };
}

async function inflate(raw: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A bundle read in the browser: the same path index as the server, entries inflated by the browser. */
export class BrowserBundle {
  private constructor(
    private readonly source: BlobSource,
    private readonly index: IndexReader,
    readonly manifest: ReaderManifest,
  ) {}

  static async open(source: BlobSource): Promise<BrowserBundle> {
    const index = await IndexReader.open(source);
    const record = await index.resolve(MANIFEST_NAME);
    if (!record) throw new Error(`${source.label}: ferry.json is missing`);
    const partial = new BrowserBundle(source, index, { mainPage: '', metadata: { title: '', language: '' } });
    const manifest = JSON.parse(new TextDecoder().decode(await partial.read(record))) as ReaderManifest;
    return new BrowserBundle(source, index, manifest);
  }

  resolveContent(path: string): Promise<StoredRecord | undefined> {
    return this.index.resolve(CONTENT_PREFIX + path);
  }

  resolve(name: string): Promise<StoredRecord | undefined> {
    return this.index.resolve(name);
  }

  async read(record: StoredRecord): Promise<Uint8Array<ArrayBuffer>> {
    const start = await localDataOffset(this.source, record.locator.offset);
    // A copy into its own ArrayBuffer, as Blob and the decompressor want.
    const raw = new Uint8Array(await this.source.read(start, record.locator.compressedSize));
    return record.locator.method === 0 ? raw : inflate(raw);
  }
}
