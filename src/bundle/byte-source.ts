import { fstatSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FerryError } from '../errors.js';

/** Random access to the bytes of a bundle. The one seam between storage and the reader. */
export interface ByteSource {
  readonly label: string;
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  createReadStream(start: number, end: number): Readable;
  close(): Promise<void>;
  /** Whether the bytes under the open file changed since it was opened (a copy over it in place). */
  changed?(): Promise<boolean>;
}

/** The error for reads from a file that changed under the reader. */
export function changedError(label: string): FerryError {
  return new FerryError(
    'BUNDLE_CHANGED',
    `${label} changed while it was being read: it is being replaced. Try again once the copy is finished; replace bundles with "mv" so readers never see a half-copied file.`,
  );
}

export class FileByteSource implements ByteSource {
  private constructor(
    readonly label: string,
    readonly size: number,
    private readonly handle: FileHandle,
    private readonly modifiedMs: number,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
      throw new FerryError('INPUT_MISSING', `Cannot open bundle "${path}": ${why}.`, { cause: error });
    }
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw new FerryError('NOT_A_BUNDLE', `"${path}" is not a file.`);
    }
    return new FileByteSource(path, stats.size, handle, stats.mtimeMs);
  }

  /**
   * fstat of the open descriptor, done at once: the kernel answers from the inode it holds, so it
   * costs a microsecond where a trip through the thread pool would cost a search a tenth of its speed.
   */
  changed(): Promise<boolean> {
    let now: Stats | undefined;
    try {
      now = fstatSync(this.handle.fd);
    } catch {
      now = undefined;
    }
    return Promise.resolve(!now || now.size !== this.size || now.mtimeMs !== this.modifiedMs);
  }

  async read(position: number, length: number): Promise<Buffer> {
    try {
      return await this.readExactly(position, length);
    } catch (error) {
      throw (await this.changed()) ? changedError(this.label) : error;
    }
  }

  private async readExactly(position: number, length: number): Promise<Buffer> {
    if (position < 0 || length < 0 || position + length > this.size) {
      throw new FerryError(
        'BUNDLE_CORRUPT',
        `${this.label}: a read of ${length} bytes at ${position} goes past the end of the file (${this.size} bytes); the file is truncated or damaged.`,
      );
    }
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, position + done);
      if (bytesRead === 0) throw new FerryError('BUNDLE_CORRUPT', `${this.label}: the file ended early.`);
      done += bytesRead;
    }
    return buffer;
  }

  createReadStream(start: number, end: number): Readable {
    return rangeStream(this, start, end, () => this.changed());
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

const CHUNK_SIZE = 64 * 1024;

/** `start` to `end` of a source read `step` bytes at a time: a large range without holding it whole. */
export async function* readInSteps(
  source: ByteSource,
  start: number,
  end: number,
  step: number,
): AsyncGenerator<Buffer> {
  for (let position = start; position < end; position += step) {
    yield await source.read(position, Math.min(step, end - position));
  }
}

/**
 * Streams [start, end) with positional reads. Node's own file streams close the descriptor when
 * destroyed, which would close the whole bundle when one download is cancelled. With `changed`,
 * each chunk is passed on only if the file has not changed since it was opened (checked after
 * the read), so a copy over the file cuts the stream instead of mixing two files' bytes.
 */
export function rangeStream(
  source: ByteSource,
  start: number,
  end: number,
  changed?: () => Promise<boolean>,
): Readable {
  let position = start;
  return new Readable({
    highWaterMark: CHUNK_SIZE,
    read() {
      const length = Math.min(CHUNK_SIZE, end - position);
      if (length <= 0) {
        this.push(null);
        return;
      }
      source.read(position, length).then(
        async (chunk) => {
          if (changed && (await changed())) return this.destroy(changedError(source.label));
          position += length;
          this.push(chunk);
        },
        (error: Error) => this.destroy(error),
      );
    },
  });
}
