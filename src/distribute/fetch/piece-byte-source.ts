import type { Readable } from 'node:stream';
import { rangeStream, readInSteps } from '../../bundle/byte-source.js';
import { FerryError } from '../../errors.js';
import { PieceDownload, pieceRange, type PieceDownloadOptions, type PieceLayout } from './piece-download.js';
import type { Source } from './source.js';

/** Bytes asked for at once by chunks(): enough pieces to keep every source busy. */
const WINDOW = 8 * 1024 * 1024;
/** Pieces kept after a read, for the next read that shares one (an entry and its neighbour). */
const KEPT_PIECES = 16;

/**
 * A remote file read in whole pieces from several sources at once, each piece checked against
 * its Metalink hash before any byte of it is used: what `ferry update` reads the new edition
 * through when the file is published with piece hashes.
 */
export class PieceByteSource {
  fetched = 0;
  private readonly download: PieceDownload;
  private readonly pieces = new Map<number, Buffer>();
  private pinned: { first: number; last: number } | undefined;

  constructor(
    readonly label: string,
    readonly layout: PieceLayout,
    readonly sources: Source[],
    options: PieceDownloadOptions = {},
  ) {
    this.download = new PieceDownload(layout, sources, options);
  }

  get size(): number {
    return this.layout.size;
  }

  private piecesOf(start: number, end: number): number[] {
    if (end <= start) return [];
    const first = Math.floor(start / this.layout.pieceLength);
    const last = Math.floor((end - 1) / this.layout.pieceLength);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }

  private async ensure(indices: number[]): Promise<void> {
    const missing = indices.filter((index) => !this.pieces.has(index));
    await this.download.fetch(missing, async (index, data) => {
      this.pieces.set(index, data);
      this.fetched += data.length;
    });
  }

  /** Drops pieces beyond the few kept, oldest first; pinned ones (the directory) stay. */
  private forget(): void {
    for (const index of this.pieces.keys()) {
      if (this.pieces.size <= KEPT_PIECES) break;
      if (this.pinned && index >= this.pinned.first && index <= this.pinned.last) continue;
      this.pieces.delete(index);
    }
  }

  /** Fetches [start, end) and keeps it until the source is closed (the central directory). */
  async prefetch(start: number, end: number): Promise<void> {
    const indices = this.piecesOf(start, end);
    this.pinned = { first: indices[0]!, last: indices[indices.length - 1]! };
    await this.ensure(indices);
  }

  async read(position: number, length: number): Promise<Buffer> {
    if (position < 0 || position + length > this.size) {
      throw new FerryError('BUNDLE_CORRUPT', `${this.label}: a read at ${position} goes past the end of the file.`);
    }
    const indices = this.piecesOf(position, position + length);
    await this.ensure(indices);
    const parts = indices.map((index) => {
      const piece = this.pieces.get(index)!;
      const { start } = pieceRange(this.layout, index);
      const from = Math.max(position, start) - start;
      const to = Math.min(position + length, start + piece.length) - start;
      return piece.subarray(from, to);
    });
    this.forget();
    return Buffer.concat(parts, length);
  }

  createReadStream(start: number, end: number): Readable {
    return rangeStream(this, start, end);
  }

  /** Large ranges a window at a time, each window's pieces fetched from every source at once. */
  chunks(start: number, end: number): AsyncGenerator<Buffer> {
    return readInSteps(this, start, end, WINDOW);
  }

  async close(): Promise<void> {
    this.pieces.clear();
  }
}
