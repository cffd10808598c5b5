import type { Readable } from 'node:stream';
import type { ByteSource } from '../../src/bundle/byte-source.js';

/**
 * A bundle picked in the browser, whole or as its split parts, read with File.slice: only the
 * bytes asked for are ever in memory, whatever the file's size.
 */
export class BlobSource implements ByteSource {
  readonly size: number;
  private readonly starts: number[] = [];

  constructor(
    readonly label: string,
    private readonly parts: Blob[],
  ) {
    let total = 0;
    for (const part of parts) {
      this.starts.push(total);
      total += part.size;
    }
    this.size = total;
  }

  async read(position: number, length: number): Promise<Buffer> {
    if (position < 0 || position + length > this.size)
      throw new Error(`${this.label}: a read goes past the end of the file`);
    const pieces: ArrayBuffer[] = [];
    for (let index = 0; index < this.parts.length && length > 0; index++) {
      const start = this.starts[index]!;
      const part = this.parts[index]!;
      if (position >= start + part.size) continue;
      const from = position - start;
      const take = Math.min(length, part.size - from);
      pieces.push(await part.slice(from, from + take).arrayBuffer());
      position += take;
      length -= take;
    }
    return Buffer.concat(pieces.map((piece) => Buffer.from(piece)));
  }

  createReadStream(): Readable {
    throw new Error('not used in the browser');
  }

  async close(): Promise<void> {}
}
