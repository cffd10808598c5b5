import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { FerryError } from '../../errors.js';
import { writeAll } from '../file-writes.js';
import { PieceDownload, pieceRange, type PieceDownloadOptions, type PieceLayout } from './piece-download.js';
import type { Source } from './source.js';

/** Pieces `partPath` already holds, checked against their hashes: what an earlier run fetched. */
async function piecesHeld(handle: FileHandle, layout: PieceLayout, size: number): Promise<Set<number>> {
  const held = new Set<number>();
  const buffer = Buffer.alloc(layout.pieceLength);
  for (let index = 0; index < layout.pieceHashes.length; index++) {
    const { start, length } = pieceRange(layout, index);
    if (start + length > size) break;
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    const hash = createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
    if (bytesRead === length && hash === layout.pieceHashes[index]) held.add(index);
  }
  return held;
}

export interface PiecesSummary {
  /** Pieces fetched in this run (the rest were in the file from an earlier one). */
  fetched: number;
  held: number;
  bytes: number;
  seconds: number;
}

/**
 * Fills `partPath` with the file the layout describes, from every source at once, each piece
 * checked before it is written. What the file already holds and checks out is kept: an
 * interrupted run goes on where it stopped, whichever sources it had.
 */
export async function downloadPieces(
  layout: PieceLayout,
  sources: Source[],
  partPath: string,
  options: PieceDownloadOptions = {},
): Promise<PiecesSummary> {
  const began = performance.now();
  const handle = await open(partPath, 'a+').then(async (appending) => {
    await appending.close();
    return open(partPath, 'r+');
  });
  try {
    const { size } = await handle.stat();
    const held = await piecesHeld(handle, layout, size);
    // Pieces are written where they belong, the file growing as they come; only a longer one is cut.
    if (size > layout.size) await handle.truncate(layout.size);
    const missing = layout.pieceHashes.map((_, index) => index).filter((index) => !held.has(index));
    let bytes = 0;
    await new PieceDownload(layout, sources, options).fetch(missing, async (index, data) => {
      try {
        await writeAll(handle, data, pieceRange(layout, index).start);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC')
          throw new FerryError(
            'INPUT_INVALID',
            `The disk is full while writing ${partPath}; free some space and run again: it resumes.`,
          );
        throw error;
      }
      bytes += data.length;
    });
    return { fetched: missing.length, held: held.size, bytes, seconds: (performance.now() - began) / 1000 };
  } finally {
    await handle.close();
  }
}
