import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileHashes {
  size: number;
  sha256: string;
  pieceLength: number;
  /** SHA-1 of every piece, as a torrent's `pieces` has them, concatenated. */
  sha1Pieces: Buffer;
  /** SHA-256 of every piece, in hex, as a Metalink's <pieces> has them. */
  sha256Pieces: string[];
}

const MIN_PIECE = 16 * 1024;
const MAX_PIECE = 16 * 1024 * 1024;
const TARGET_PIECES = 1500;

/** A power of two that cuts the file into about 1,500 pieces, as torrent tools choose. */
export function pieceLengthFor(size: number): number {
  let length = MIN_PIECE;
  while (length < MAX_PIECE && size / length > TARGET_PIECES) length *= 2;
  return length;
}

/** The whole file's SHA-256 and both kinds of piece hashes, in one read of the file. */
export function hashFile(path: string, size: number, pieceLength = pieceLengthFor(size)): Promise<FileHashes> {
  return hashChunks(createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, size, pieceLength);
}

/** The same, of bytes that come in chunks (a split bundle read as one file). */
export async function hashChunks(
  chunks: AsyncIterable<Buffer>,
  size: number,
  pieceLength = pieceLengthFor(size),
): Promise<FileHashes> {
  const whole = createHash('sha256');
  const sha1: Buffer[] = [];
  const sha256Pieces: string[] = [];
  let pieceSha1 = createHash('sha1');
  let pieceSha256 = createHash('sha256');
  let inPiece = 0;
  const endPiece = () => {
    sha1.push(pieceSha1.digest());
    sha256Pieces.push(pieceSha256.digest('hex'));
    pieceSha1 = createHash('sha1');
    pieceSha256 = createHash('sha256');
    inPiece = 0;
  };
  for await (const chunk of chunks) {
    whole.update(chunk);
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(pieceLength - inPiece, chunk.length - at);
      const part = chunk.subarray(at, at + take);
      pieceSha1.update(part);
      pieceSha256.update(part);
      inPiece += take;
      at += take;
      if (inPiece === pieceLength) endPiece();
    }
  }
  if (inPiece > 0) endPiece();
  return { size, sha256: whole.digest('hex'), pieceLength, sha1Pieces: Buffer.concat(sha1), sha256Pieces };
}

/** The SHA-256 of a whole file, in hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)
    hash.update(chunk);
  return hash.digest('hex');
}
