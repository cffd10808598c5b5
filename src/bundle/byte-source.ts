import { fstatSync, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FerryError } from '../errors.js';
import { bundleFiles, type PooledFile } from './handle-pool.js';

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

/**
 * A bundle file, read with positional reads. Its descriptor is opened when a read needs it and
 * may be closed by the pool (handle-pool.ts) while no read or stream holds it; when it opens again
 * it must be the same file (inode, size, time), else the bundle was replaced and reads fail as
 * changed, so that the library reopens it.
 */
export class FileByteSource implements ByteSource, PooledFile {
  private handle: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  private closed = false;
  users = 0;

  private constructor(
    readonly label: string,
    readonly size: number,
    private readonly identity: FileIdentity,
    handle: FileHandle,
  ) {
    this.handle = handle;
  }

  static async open(path: string): Promise<FileByteSource> {
    await bundleFiles.makeRoom();
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
    const source = new FileByteSource(path, stats.size, identityOf(stats), handle);
    bundleFiles.touch(source);
    return source;
  }

  /**
   * fstat of the open descriptor, done at once: the kernel answers from the inode it holds, so it
   * costs a microsecond where a trip through the thread pool would cost a search a tenth of its speed.
   * With the descriptor closed by the pool, the file at the path must still be the one opened.
   */
  changed(): Promise<boolean> {
    let now: Stats | undefined;
    try {
      now = this.handle ? fstatSync(this.handle.fd) : statSync(this.label);
    } catch {
      now = undefined;
    }
    return Promise.resolve(!now || !sameFile(identityOf(now), this.identity));
  }

  /** The descriptor, opened again if the pool closed it; the caller must call release() after. */
  private async acquire(): Promise<FileHandle> {
    if (this.closed) throw new FerryError('BUNDLE_CHANGED', `${this.label} is closed.`);
    this.users++;
    try {
      const handle = this.handle ?? (await (this.opening ??= this.reopen().finally(() => (this.opening = undefined))));
      bundleFiles.touch(this);
      return handle;
    } catch (error) {
      this.users--;
      throw error;
    }
  }

  private release(): void {
    this.users--;
  }

  private async reopen(): Promise<FileHandle> {
    await bundleFiles.makeRoom();
    let handle: FileHandle;
    try {
      handle = await open(this.label, 'r');
    } catch {
      throw changedError(this.label); // gone from its path: replaced or removed
    }
    if (!sameFile(identityOf(await handle.stat()), this.identity)) {
      await handle.close();
      throw changedError(this.label);
    }
    this.handle = handle;
    bundleFiles.touch(this);
    return handle;
  }

  /** Called by the pool, which has taken the file off its list. */
  async closeIdle(): Promise<void> {
    const handle = this.handle;
    if (!handle || this.users > 0) return;
    this.handle = undefined;
    await handle.close();
  }

  async read(position: number, length: number): Promise<Buffer> {
    const handle = await this.acquire();
    try {
      return await readExactly(this.label, this.size, handle, position, length);
    } catch (error) {
      throw (await this.changed()) ? changedError(this.label) : error;
    } finally {
      this.release();
    }
  }

  /** The stream holds the descriptor until it ends, so a download finishes from the file it began on. */
  createReadStream(start: number, end: number): Readable {
    let held: Promise<FileHandle> | undefined;
    const stream = rangeStream(
      {
        label: this.label,
        size: this.size,
        read: async (position, length) =>
          readExactly(this.label, this.size, await (held ??= this.acquire()), position, length),
        createReadStream: () => stream,
        close: async () => undefined,
      },
      start,
      end,
      () => this.changed(),
    );
    stream.once('close', () => {
      if (held)
        held.then(
          () => this.release(),
          () => undefined,
        );
    });
    return stream;
  }

  async close(): Promise<void> {
    this.closed = true;
    bundleFiles.forget(this);
    const handle = this.handle ?? (await this.opening?.catch(() => undefined));
    this.handle = undefined;
    await handle?.close();
  }
}

interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
}

function identityOf(stats: Stats): FileIdentity {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

async function readExactly(
  label: string,
  size: number,
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  if (position < 0 || length < 0 || position + length > size) {
    throw new FerryError(
      'BUNDLE_CORRUPT',
      `${label}: a read of ${length} bytes at ${position} goes past the end of the file (${size} bytes); the file is truncated or damaged.`,
    );
  }
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new FerryError('BUNDLE_CORRUPT', `${label}: the file ended early.`);
    done += bytesRead;
  }
  return buffer;
}

const CHUNK_SIZE = 64 * 1024;

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
