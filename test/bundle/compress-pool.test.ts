import { describe, expect, it } from 'vitest';
import { createFrameMaker } from '../../src/bundle/compress-pool.js';
import { buildDictionary } from '../../src/bundle/dictionary-builder.js';
import { compressWithDictionary, decompressWithDictionary, loadZstd } from '../../src/bundle/zstd.js';

/** Entries of many sizes that share some text, as a site's pages do. */
function entry(number: number): Buffer {
  const words = Array.from({ length: 1 + ((number * 37) % 400) }, (_, i) => `w${(number * 131 + i * 17) % 997}`);
  return Buffer.from(`<html><body><nav>Home Guide Reference</nav><p>${words.join(' ')}</p></body></html>`);
}

describe('zstd frames made in worker threads', () => {
  it('are the bytes the pack makes in its own thread, each for the entry it was asked for', async () => {
    await loadZstd();
    const entries = Array.from({ length: 300 }, (_, i) => entry(i));
    const dictionary = buildDictionary(entries.slice(0, 100), 4096);
    const pool = createFrameMaker(dictionary, 9, 2);
    try {
      const frames = await Promise.all(entries.map((data) => pool.compress(data)));
      for (const [index, data] of entries.entries()) {
        expect(frames[index]!.equals(compressWithDictionary(data, dictionary, 9))).toBe(true);
        expect(decompressWithDictionary(frames[index]!, dictionary, data.length)).toEqual({ data });
      }
    } finally {
      await pool.close();
    }
  });

  it('refuses work once closed instead of leaving the pack waiting', async () => {
    const pool = createFrameMaker(Buffer.from('a dictionary of a few bytes'), 9, 1);
    await pool.close();
    await expect(pool.compress(entry(1))).rejects.toThrow(/compression worker/);
  });
});
