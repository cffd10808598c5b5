import type { Archiver } from 'archiver';

/** ZIP compression method 93, Zstandard (APPNOTE 6.3.8, §4.4.5). */
export const ZSTD_METHOD = 93;
/** APPNOTE's "version needed to extract" for methods added in 6.3. */
const VERSION_NEEDED = 63;

interface ZipEntry {
  getName(): string;
  setMethod(method: number): void;
  setVersionNeededToExtract(version: number): void;
  setSize(size: number): void;
  setCompressedSize(size: number): void;
  setCrc(crc: number): void;
}

/** The parts of archiver's ZIP engine (zip-stream on compress-commons 6) this touches. */
interface ZipEngine {
  _appendBuffer(entry: ZipEntry, source: Buffer, callback: (error: Error | null, entry?: ZipEntry) => void): void;
  _writeLocalFileHeader(entry: ZipEntry): void;
  _afterAppend(entry: ZipEntry): void;
  write(chunk: Buffer): boolean;
}

export interface Precompressed {
  method: number;
  /** Of the content, not of the compressed bytes given to archiver. */
  crc32: number;
  size: number;
}

/**
 * archiver writes only stored and deflated entries. This lets it write an entry compressed
 * beforehand (zstd with the bundle's dictionary): announce it with `expect`, then append the
 * compressed bytes as a stored entry under the same name; its local header and central record
 * then carry the method, CRC-32 and size of the content, as APPNOTE says they must.
 */
export function acceptPrecompressed(archive: Archiver): { expect(name: string, entry: Precompressed): void } {
  const engine = (archive as unknown as { _module?: { engine?: ZipEngine } })._module?.engine;
  if (!engine || typeof engine._appendBuffer !== 'function' || typeof engine._writeLocalFileHeader !== 'function') {
    throw new Error('internal: this version of archiver is not the one ferry was written for');
  }
  const expected = new Map<string, Precompressed>();
  const appendBuffer = engine._appendBuffer.bind(engine);
  engine._appendBuffer = (entry, source, callback) => {
    const precompressed = expected.get(entry.getName());
    if (!precompressed) return appendBuffer(entry, source, callback);
    expected.delete(entry.getName());
    entry.setMethod(precompressed.method);
    entry.setVersionNeededToExtract(VERSION_NEEDED);
    entry.setSize(precompressed.size);
    entry.setCompressedSize(source.length);
    entry.setCrc(precompressed.crc32 >>> 0);
    engine._writeLocalFileHeader(entry);
    engine.write(source);
    engine._afterAppend(entry);
    callback(null, entry);
  };
  return { expect: (name, entry) => expected.set(name, entry) };
}
