import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExternalSorter } from '../src/external-sort.js';

function randomRecords(count: number, seed: number): Buffer[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
  return Array.from({ length: count }, () => {
    const bytes = Buffer.alloc(1 + (next() % 40));
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() % 256;
    return bytes;
  });
}

describe('external sort', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ferry-sort-'));

  it('sorts more records than its memory through runs on disk, in byte order', () => {
    const path = join(folder, 'many');
    const sorter = new ExternalSorter(path, 8 * 1024);
    const records = randomRecords(20_000, 7);
    // Records larger than the buffers it reads and writes through: a category page's text can be.
    records.push(Buffer.alloc(3 * 1024 * 1024, 'a'), Buffer.alloc(2 * 1024 * 1024, 'b'));
    for (const record of records) sorter.add(record);
    expect(existsSync(path)).toBe(true);
    const sorted = [...sorter.sorted()].map((record) => Buffer.from(record));
    const expected = records.slice().sort(Buffer.compare);
    expect(sorted.map((record) => record.length)).toEqual(expected.map((record) => record.length));
    expect(Buffer.concat(sorted).equals(Buffer.concat(expected))).toBe(true);
    sorter.close();
    expect(existsSync(path)).toBe(false);
  });

  it('keeps a few records in memory, and takes more after a read', () => {
    const path = join(folder, 'few');
    const sorter = new ExternalSorter(path);
    for (const word of ['pear', 'apple', 'fig']) sorter.add(Buffer.from(word));
    expect([...sorter.sorted()].map(String)).toEqual(['apple', 'fig', 'pear']);
    sorter.add(Buffer.from('banana'));
    expect([...sorter.sorted()].map(String)).toEqual(['apple', 'banana', 'fig', 'pear']);
    expect(existsSync(path)).toBe(false);
    sorter.close();
  });

  it('sorts keys before payloads, so equal keys come together', () => {
    const sorter = new ExternalSorter(join(folder, 'keys'), 64);
    for (const record of ['b\0two', 'a b\0x', 'a\0z', 'b\0one', 'a\0y']) sorter.add(Buffer.from(record));
    expect([...sorter.sorted()].map(String)).toEqual(['a\0y', 'a\0z', 'a b\0x', 'b\0one', 'b\0two']);
    sorter.close();
  });
});
