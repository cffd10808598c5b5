import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EntryReads, StoredRecord } from '../../src/bundle/reader.js';
import { ExternalSorter } from '../../src/external-sort.js';
import { encodeTitles } from '../../src/search/titles-encoder.js';
import { foldTitle, sortableTitle, TitleList } from '../../src/search/titles.js';

/** The stored title list pack would write for these titles, sorted through runs on disk. */
function storedList(entries: [title: string, path: string][]): Buffer {
  const sorter = new ExternalSorter(join(mkdtempSync(join(tmpdir(), 'ferry-titles-')), 'titles'), 4096);
  for (const [title, path] of entries) sorter.add(sortableTitle(title, path));
  try {
    return Buffer.concat([...encodeTitles(() => sorter.sorted())]);
  } finally {
    sorter.close();
  }
}

/** A TitleList over stored bytes, read through the two calls a bundle answers, counting reads. */
async function listOf(
  stored: Buffer,
  checkWhole?: () => Promise<void>,
): Promise<{ list: TitleList; reads: () => number }> {
  let reads = 0;
  const source: EntryReads = {
    label: 'test.ferry: search/titles',
    size: stored.length,
    read: async (offset, length) => {
      reads++;
      return stored.subarray(offset, offset + length);
    },
    ...(checkWhole ? { checkWhole } : {}),
  } as EntryReads;
  const bundle = {
    resolve: async () => ({ name: 'search/titles' }) as StoredRecord,
    randomAccess: async () => source,
  };
  return { list: await TitleList.open(bundle), reads: () => reads };
}

describe('title suggestions', () => {
  const entries: [string, string][] = [
    ['Été indien', 'ete-indien.html'],
    ['Etymology', 'etymology.html'],
    ['ete', 'ete.html'],
    ['Eten', 'eten.html'],
    ['Paris', 'paris.html'],
  ];

  it('folds case and accents', () => {
    expect(foldTitle('  Été   Indien ')).toBe('ete indien');
  });

  it('finds titles by prefix whatever their case and accents, exact title first', async () => {
    const { list } = await listOf(storedList(entries));
    expect((await list.suggest('ÉTE', 10)).map((found) => found.path)).toEqual([
      'ete.html',
      'ete-indien.html',
      'eten.html',
    ]);
    expect((await list.suggest('ete i', 10)).map((found) => found.title)).toEqual(['Été indien']);
    expect(await list.suggest('et', 2)).toHaveLength(2);
    expect(await list.suggest('x', 10)).toEqual([]);
    expect(await list.suggest('   ', 10)).toEqual([]);
  });

  it('reads a few blocks of a long list, and finds titles that fold alike across blocks', async () => {
    const many: [string, string][] = [];
    for (let i = 0; i < 20_000; i++) many.push([`Town ${i}`, `town-${i}.html`]);
    // 150 pages whose titles fold to one key: more than two blocks of 64.
    for (let i = 0; i < 150; i++) many.push([i % 2 ? 'Ísland' : 'island', `island-${String(i).padStart(3, '0')}.html`]);
    const { list, reads } = await listOf(storedList(many));
    const opened = reads();

    expect((await list.suggest('town 1999', 5)).map((found) => found.title)).toEqual([
      'Town 1999',
      'Town 19990',
      'Town 19991',
      'Town 19992',
      'Town 19993',
    ]);
    expect(reads() - opened).toBeLessThanOrEqual(2);

    const islands = await list.suggest('ISLAND', 500);
    expect(islands).toHaveLength(150);
    expect(islands.map((found) => found.path)).toEqual(islands.map((found) => found.path).sort());
    expect(islands[0]!.path).toBe('island-000.html');
  });

  it('refuses a damaged list with a clear error', async () => {
    const stored = storedList(entries);
    const wrongMagic = Buffer.from(stored);
    wrongMagic.write('XXXX', 0);
    await expect(listOf(wrongMagic)).rejects.toThrow(/title list is damaged \(wrong magic\)/);
    const tableOutside = Buffer.from(stored);
    tableOutside.writeBigUInt64LE(BigInt(stored.length + 100), 16);
    await expect(listOf(tableOutside)).rejects.toThrow(/title list is damaged/);
  });

  it('stores its blocks deflated, a fraction of the titles and paths they hold, and refuses a damaged one', async () => {
    const many: [string, string][] = Array.from({ length: 640 }, (_, i) => [
      `Chapter ${i} of the Guide to Rivers`,
      `guide/rivers/chapter-${String(i).padStart(4, '0')}.html`,
    ]);
    const stored = storedList(many);
    const raw = many.reduce((sum, [title, path]) => sum + 4 + title.length + path.length, 0);
    expect(stored.length).toBeLessThan(raw / 3);
    const { list } = await listOf(stored);
    expect((await list.suggest('chapter 12', 20)).map((found) => found.path)).toContain(
      'guide/rivers/chapter-0012.html',
    );
    const damaged = Buffer.from(stored);
    for (let i = 40; i < 200; i++) damaged[i] = 0x33;
    const broken = await listOf(damaged);
    await expect(broken.list.suggest('chapter 0', 5)).rejects.toThrow(
      /title list is damaged \(block 0 does not match its checksum\)/,
    );
  });

  it('refuses at open a list whose block table was changed', async () => {
    const stored = storedList(entries);
    const damaged = Buffer.from(stored);
    damaged[damaged.length - 6]! ^= 0x20; // a letter of the last block's first key
    await expect(listOf(damaged)).rejects.toThrow(/title list is damaged \(its header or block table does not match/);
  });

  it('reads a list of format 5, which has no checksums, after checking it whole', async () => {
    const old = withoutChecksums(storedList(entries));
    let wholeChecks = 0;
    const { list } = await listOf(old, async () => void wholeChecks++);
    expect(wholeChecks).toBe(1);
    expect((await list.suggest('ete', 10)).map((found) => found.path)).toEqual([
      'ete.html',
      'ete-indien.html',
      'eten.html',
    ]);
  });
});

/** A list as format 5 wrote it (FRYTTL2): table entries without their CRC-32, and no checksum at the end. */
function withoutChecksums(stored: Buffer): Buffer {
  const blockCount = stored.readUInt32LE(12);
  const tableOffset = Number(stored.readBigUInt64LE(16));
  const table: Buffer[] = [];
  let position = tableOffset;
  for (let block = 0; block < blockCount; block++) {
    const keyLength = stored.readUInt16LE(position + 16);
    table.push(stored.subarray(position, position + 12), stored.subarray(position + 16, position + 18 + keyLength));
    position += 18 + keyLength;
  }
  const old = Buffer.concat([stored.subarray(0, tableOffset), ...table]);
  old.write('FRYTTL2\0', 0, 'latin1');
  return old;
}
