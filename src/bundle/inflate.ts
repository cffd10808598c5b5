import { inflateRaw } from 'node:zlib';

/**
 * Inflating deflated entries and the deflated blocks of the path index, the search postings and
 * the title list, bounded so a damaged bundle cannot make it allocate more than it should. The
 * standalone reader has its own, on the browser's DecompressionStream (viewer/reader/inflate.ts).
 */

/** A raw deflate stream that gives at most `limit` bytes. */
export function inflateAtMost(data: Uint8Array, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    inflateRaw(data, { maxOutputLength: Math.max(1, limit) }, (error, result) =>
      error ? reject(error) : resolve(inOwnMemory(result)),
    ),
  );
}

/**
 * The bytes in memory of their own size. zlib gives a small result as a view of its 16 KB output
 * chunk, and a cache that keeps it (a shard's postings) would keep the 16 KB: 300 MB over the
 * 1,586 shards of a million pages, where the cache counted 75.
 */
function inOwnMemory(result: Buffer): Buffer {
  if (result.buffer.byteLength <= result.length + 1024) return result;
  const own = Buffer.allocUnsafeSlow(result.length);
  result.copy(own);
  return own;
}

/** A raw deflate stream that must give exactly `size` bytes; it stops at one byte more. */
export async function inflateExactly(data: Uint8Array, size: number): Promise<Buffer> {
  const result = await inflateAtMost(data, size + 1);
  if (result.length !== size) throw new Error(`it inflates to ${result.length} bytes, not ${size}`);
  return result;
}
