import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';

/**
 * A temporary file that is appended to and read back by position, for what a pack keeps on disk
 * instead of in memory. It is made at the first write. Reads and writes are synchronous: a pack
 * is a batch job, and one large read or write at a time costs less than the promises around it.
 */
export class SpillFile {
  private file: number | undefined;
  size = 0;

  constructor(readonly path: string) {}

  /** Appends `length` bytes of `bytes` from `from`. */
  append(bytes: Buffer, from = 0, length = bytes.length - from): void {
    const file = (this.file ??= openSync(this.path, 'wx+'));
    for (let written = 0; written < length;) {
      written += writeSync(file, bytes, from + written, length - written, this.size + written);
    }
    this.size += length;
  }

  /** Fills `into` with `length` bytes from `position`, which must all have been written. */
  read(into: Buffer, length: number, position: number): void {
    for (let read = 0; read < length;) {
      const got = this.file === undefined ? 0 : readSync(this.file, into, read, length - read, position + read);
      if (got === 0) throw new Error(`internal: ${this.path} ends early at byte ${position + read}`);
      read += got;
    }
  }

  /** Closes and removes the file, if it was made. */
  remove(): void {
    if (this.file === undefined) return;
    closeSync(this.file);
    this.file = undefined;
    unlinkSync(this.path);
  }
}
