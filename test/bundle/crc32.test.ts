import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/bundle/crc32.js';

// The browser's reader checks entries with this CRC-32, the server with zlib's: they must agree.
describe('crc32', () => {
  it('agrees with zlib at every length around its eight-byte step, whole and continued', () => {
    for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 100_003]) {
      const data = randomBytes(length);
      expect(crc32(data), `${length} bytes`).toBe(zlibCrc32(data));
      const half = length >> 1;
      expect(crc32(data.subarray(half), crc32(data.subarray(0, half))), `${length} bytes in two`).toBe(zlibCrc32(data));
    }
  });

  it('gives the check value of the standard', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
