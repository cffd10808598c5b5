import type { Archiver } from 'archiver';

/** The parts of archiver's ZIP engine (zip-stream on compress-commons 6) this touches. */
interface ZipEngine {
  offset: number;
  write(chunk: Buffer | string, callback?: () => void): boolean;
  end(...args: unknown[]): unknown;
  _finish(): void;
}

const BATCH_BYTES = 1024 * 1024;

/**
 * archiver writes the central directory in one synchronous loop, about 13 small writes per entry,
 * and every write waits in the stream's buffer until the loop ends: some 5 KB of heap per entry,
 * half a gigabyte at 100,000 entries. This gathers those writes into 1 MB chunks, which keeps the
 * central directory's cost near its size on disk. The bytes written are the same.
 */
export function batchCentralDirectoryWrites(archive: Archiver): void {
  const engine = (archive as unknown as { _module?: { engine?: ZipEngine } })._module?.engine;
  if (!engine || typeof engine._finish !== 'function') return;
  const finish = engine._finish.bind(engine);
  engine._finish = () => {
    const write = engine.write;
    const end = engine.end;
    let batch = Buffer.allocUnsafe(BATCH_BYTES);
    let used = 0;
    // The engine's own write counts the offset again: take back what the gathering write counted.
    const pass = (chunk: Buffer) => {
      engine.offset -= chunk.length;
      write.call(engine, chunk);
    };
    const flush = () => {
      if (used === 0) return;
      pass(batch.subarray(0, used));
      batch = Buffer.allocUnsafe(BATCH_BYTES);
      used = 0;
    };
    engine.write = (chunk: Buffer | string) => {
      // What ArchiveOutputStream#write does besides writing: it counts the offset.
      engine.offset += chunk.length;
      // Names without the UTF-8 flag come as strings, which a stream would write as UTF-8.
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (used + bytes.length > BATCH_BYTES) flush();
      if (bytes.length > BATCH_BYTES) pass(bytes);
      else used += bytes.copy(batch, used);
      return true;
    };
    engine.end = (...args: unknown[]) => {
      flush();
      engine.write = write;
      engine.end = end;
      return end.apply(engine, args);
    };
    finish();
  };
}
