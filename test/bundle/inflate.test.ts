import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateAtMost, inflateExactly } from '../../src/bundle/inflate.js';

describe('inflating a block of a bundle', () => {
  it('gives a small result in memory of its own size, so a cache that keeps it keeps no more', async () => {
    // zlib hands back a view of its 16 KB output chunk; a server keeps thousands of these.
    const postings = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7) % 251));
    const inflated = await inflateExactly(deflateRawSync(postings), postings.length);
    expect(inflated.equals(postings)).toBe(true);
    expect(inflated.buffer.byteLength).toBeLessThan(postings.length + 1024);
  });

  it('refuses a stream that gives more or fewer bytes than the bundle says', async () => {
    const data = deflateRawSync(Buffer.alloc(3000, 1));
    await expect(inflateExactly(data, 2999)).rejects.toThrow(/not 2999/);
    await expect(inflateExactly(data, 3001)).rejects.toThrow(/3000 bytes, not 3001/);
    await expect(inflateAtMost(data, 100)).rejects.toThrow();
  });
});
