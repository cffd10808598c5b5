import type { Archiver } from 'archiver';
import { SpillFile } from '../spill-file.js';
import type { CentralRecord } from './central-directory.js';

/** What archiver's ZIP entries (compress-commons 6) tell once their data is written. */
interface ZipEntry {
  getName(): string;
  getCrc(): number;
  getSize(): number;
  getCompressedSize(): number;
  getMethod(): number;
  _offsets: { file: number };
}

/** The parts of archiver's ZIP engine (zip-stream on compress-commons 6) this touches. */
interface ZipEngine {
  offset: number;
  _entries: unknown[];
  _archive: { centralOffset: number; centralLength: number; processing: boolean; finish: boolean; finished: boolean };
  write(chunk: Buffer | string, callback?: () => void): boolean;
  once(event: 'drain', listener: () => void): void;
  emit(event: 'error', error: Error): boolean;
  end(): void;
  isZip64(): boolean;
  _afterAppend(entry: ZipEntry): void;
  _writeCentralFileHeader(entry: ZipEntry): void;
  _writeCentralDirectoryZip64(): void;
  _writeCentralDirectoryEnd(): void;
  _finish(): void;
}

/** Where an entry landed in the ZIP, told as soon as it is complete: what its central record will say. */
export type WrittenEntry = Pick<CentralRecord, 'name' | 'offset' | 'compressedSize' | 'size' | 'crc32' | 'method'>;

const CHUNK_BYTES = 1024 * 1024;

/**
 * archiver keeps an object per entry (some 600 bytes of heap) until the end, to write the central
 * directory from them, and the directory itself is about 100 bytes an entry: both grow without
 * bound on a large wiki. This writes each entry's central directory record as soon as the entry
 * is complete, with archiver's own code, into a temporary file at `spillPath` (1 MB at a time),
 * tells `onEntry` where the entry landed, and drops the entry object. At the end the records are
 * copied from the file into the ZIP, waiting on the output as they go. The bytes of the bundle are
 * those archiver would write.
 */
export function spillCentralDirectory(
  archive: Archiver,
  spillPath: string,
  onEntry: (entry: WrittenEntry) => void,
): { remove(): void } {
  const engine = (archive as unknown as { _module?: { engine?: ZipEngine } })._module?.engine;
  if (!engine || typeof engine._finish !== 'function' || typeof engine._afterAppend !== 'function') {
    throw new Error('internal: this version of archiver is not the one ferry was written for');
  }
  const file = new SpillFile(spillPath);
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const flush = () => {
    file.append(chunk, 0, used);
    used = 0;
  };
  const keep = (piece: Buffer | string) => {
    // Names without the UTF-8 flag come as strings, which a stream would write as UTF-8.
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    if (used + bytes.length > CHUNK_BYTES) flush();
    if (bytes.length > CHUNK_BYTES) throw new Error('internal: a central directory record over 1 MB');
    used += bytes.copy(chunk, used);
    return true;
  };

  const afterAppend = engine._afterAppend.bind(engine);
  const writeRecord = engine._writeCentralFileHeader.bind(engine);
  engine._afterAppend = (entry: ZipEntry) => {
    // The entry is complete (sizes, CRC, offset): its record can be made now, but not written yet.
    const write = engine.write;
    engine.write = keep;
    try {
      writeRecord(entry);
      onEntry({
        name: entry.getName(),
        offset: entry._offsets.file,
        compressedSize: entry.getCompressedSize(),
        size: entry.getSize(),
        crc32: entry.getCrc(),
        method: entry.getMethod(),
      });
    } catch (error) {
      // A full disk, most likely: the archive fails, and the writer with it.
      engine.emit('error', error as Error);
      return;
    } finally {
      engine.write = write;
    }
    const position = engine._entries.length;
    afterAppend(entry);
    // Only the count of entries is needed from here on.
    if (engine._entries[position] === entry) engine._entries[position] = 0;
  };

  /** The records from the temporary file into the ZIP, waiting whenever the output is full. */
  const copyRecords = async () => {
    for (let position = 0; position < file.size;) {
      const piece = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, file.size - position));
      file.read(piece, piece.length, position);
      position += piece.length;
      if (!engine.write(piece)) await new Promise<void>((resolve) => engine.once('drain', resolve));
    }
  };

  // As archiver's own _finish, with the records taken from the file.
  let finishing = false;
  engine._finish = () => {
    if (finishing) return;
    finishing = true;
    const archiveState = engine._archive;
    archiveState.centralOffset = engine.offset;
    if (used > 0) flush();
    copyRecords().then(
      () => {
        archiveState.centralLength = engine.offset - archiveState.centralOffset;
        if (engine.isZip64()) engine._writeCentralDirectoryZip64();
        engine._writeCentralDirectoryEnd();
        archiveState.processing = false;
        archiveState.finish = true;
        archiveState.finished = true;
        engine.end();
      },
      (error: Error) => engine.emit('error', error),
    );
  };

  return file;
}
