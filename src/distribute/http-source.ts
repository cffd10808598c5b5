import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { rangeStream, readInSteps, type ByteSource } from '../bundle/byte-source.js';
import { FerryError } from '../errors.js';

const ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 250;
const STREAM_CHUNK = 4 * 1024 * 1024;

/** A server that does not answer Range requests: the caller downloads the whole file instead. */
export class NoRangeError extends FerryError {
  constructor(url: string) {
    super('INPUT_INVALID', `${url} does not answer Range requests.`);
  }
}

/** Tries a request a few times with growing pauses: links in the field drop and come back. */
export async function withRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof FerryError || tries === ATTEMPTS) {
        if (error instanceof FerryError) throw error;
        throw new FerryError('INPUT_MISSING', `${what} failed ${ATTEMPTS} times: ${(error as Error).message}.`, {
          cause: error,
        });
      }
      await sleep(FIRST_BACKOFF_MS * 2 ** (tries - 1));
    }
  }
}

/**
 * The bytes of a remote file read by HTTP Range requests, so a bundle's index can be read without
 * downloading it. Counts what it fetched; keeps what `prefetch` asked for.
 */
export class HttpByteSource implements ByteSource {
  fetched = 0;
  private cached: { start: number; data: Buffer } | undefined;

  private constructor(
    readonly label: string,
    readonly size: number,
  ) {}

  static async open(url: string): Promise<HttpByteSource> {
    const size = await withRetries(`Asking ${url} for its size`, async () => {
      const response = await fetch(url, { headers: { Range: 'bytes=0-0' } });
      await response.body?.cancel();
      if (response.status === 404) throw new FerryError('INPUT_MISSING', `${url} is not there (404).`);
      if (response.status === 200) throw new NoRangeError(url);
      if (response.status !== 206) throw new Error(`HTTP ${response.status}`);
      const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
      if (total === undefined) throw new NoRangeError(url);
      return Number(total);
    });
    return new HttpByteSource(url, size);
  }

  /** Fetches [start, end) in one request and answers later reads inside it from memory. */
  async prefetch(start: number, end: number): Promise<void> {
    this.cached = { start, data: await this.fetchRange(start, end - start) };
  }

  /** Keeps bytes of the file fetched another way (directory-fetch.ts), `fetched` bytes of them crossing the link. */
  keep(start: number, data: Buffer, fetched: number): void {
    this.cached = { start, data };
    this.fetched += fetched;
  }

  async read(position: number, length: number): Promise<Buffer> {
    const cached = this.cached;
    if (cached && position >= cached.start && position + length <= cached.start + cached.data.length) {
      return cached.data.subarray(position - cached.start, position - cached.start + length);
    }
    return this.fetchRange(position, length);
  }

  private fetchRange(position: number, length: number): Promise<Buffer> {
    if (position < 0 || position + length > this.size) {
      return Promise.reject(
        new FerryError('BUNDLE_CORRUPT', `${this.label}: a read at ${position} goes past the end of the file.`),
      );
    }
    if (length === 0) return Promise.resolve(Buffer.alloc(0));
    return withRetries(`Reading ${length} bytes of ${this.label}`, async () => {
      const response = await fetch(this.label, { headers: { Range: `bytes=${position}-${position + length - 1}` } });
      if (response.status !== 206) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status} for a Range request`);
      }
      const data = Buffer.from(await response.arrayBuffer());
      if (data.length !== length) throw new Error(`got ${data.length} bytes instead of ${length}`);
      this.fetched += length;
      return data;
    });
  }

  createReadStream(start: number, end: number): Readable {
    return rangeStream(this, start, end);
  }

  /** Large ranges in pieces of a few megabytes, each retried on its own. */
  chunks(start: number, end: number): AsyncGenerator<Buffer> {
    return readInSteps(this, start, end, STREAM_CHUNK);
  }

  async close(): Promise<void> {
    this.cached = undefined;
  }
}
