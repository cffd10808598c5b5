import { inflateRaw } from 'node:zlib';

/**
 * Inflates a raw deflate stream that must give exactly `size` bytes, and stops at one byte more
 * (a damaged shard cannot make it allocate more). The standalone reader has its own, on the
 * browser's DecompressionStream (viewer/reader/inflate.ts).
 */
export function inflateExactly(data: Uint8Array, size: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    inflateRaw(data, { maxOutputLength: Math.max(1, size + 1) }, (error, result) => {
      if (error) reject(error);
      else if (result.length !== size) reject(new Error(`it inflates to ${result.length} bytes, not ${size}`));
      else resolve(result);
    }),
  );
}
