import type { Archiver } from 'archiver';

/** The parts of archiver's ZIP engine (zip-stream on compress-commons 6) this touches. */
interface ZipEngine {
  offset: number;
  _entries: unknown[];
  _archive: { centralOffset: number; centralLength: number; processing: boolean; finish: boolean; finished: boolean };
  write(chunk: Buffer | string, callback?: () => void): boolean;
  end(): void;
  isZip64(): boolean;
  _afterAppend(entry: unknown): void;
  _writeCentralFileHeader(entry: unknown): void;
  _writeCentralDirectoryZip64(): void;
  _writeCentralDirectoryEnd(): void;
  _finish(): void;
}

const CHUNK_BYTES = 1024 * 1024;

/**
 * archiver keeps an object per entry (with its general purpose bits, times and extra fields) until
 * the end, to write the central directory from them: some 600 bytes of heap per entry, which
 * grows without bound on a large wiki. This writes each entry's central directory record as soon
 * as the entry is complete, with archiver's own code, into 1 MB buffers, and keeps only those
 * bytes (about 100 per entry); the entry object is dropped. At the end the buffers are written
 * as they are, in a few large writes where archiver made some 13 small ones per entry. The bytes
 * of the bundle are the same.
 */
export function batchCentralDirectoryWrites(archive: Archiver): void {
  const engine = (archive as unknown as { _module?: { engine?: ZipEngine } })._module?.engine;
  if (!engine || typeof engine._finish !== 'function' || typeof engine._afterAppend !== 'function') return;
  const chunks: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const keep = (piece: Buffer | string) => {
    // Names without the UTF-8 flag come as strings, which a stream would write as UTF-8.
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    if (used + bytes.length > CHUNK_BYTES) {
      chunks.push(chunk.subarray(0, used));
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes.length));
      used = 0;
    }
    used += bytes.copy(chunk, used);
    return true;
  };

  const afterAppend = engine._afterAppend.bind(engine);
  const writeRecord = engine._writeCentralFileHeader.bind(engine);
  engine._afterAppend = (entry: unknown) => {
    // The entry is complete (sizes, CRC, offset): its record can be written now, but not to the file yet.
    const write = engine.write;
    engine.write = keep;
    try {
      writeRecord(entry);
    } finally {
      engine.write = write;
    }
    const position = engine._entries.length;
    afterAppend(entry);
    // Only the count of entries is needed from here on.
    if (engine._entries[position] === entry) engine._entries[position] = 0;
  };

  // As archiver's own _finish, with the records already made.
  engine._finish = () => {
    const archiveState = engine._archive;
    archiveState.centralOffset = engine.offset;
    if (used > 0) chunks.push(chunk.subarray(0, used));
    for (const records of chunks.splice(0)) engine.write(records);
    archiveState.centralLength = engine.offset - archiveState.centralOffset;
    if (engine.isZip64()) engine._writeCentralDirectoryZip64();
    engine._writeCentralDirectoryEnd();
    archiveState.processing = false;
    archiveState.finish = true;
    archiveState.finished = true;
    engine.end();
  };
}
