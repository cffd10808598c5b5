import {
  BLOCKED_HEADER_SIZE,
  checkBlock,
  checkHeadAndTable,
  emptyBlockTable,
  findBlock,
  parseBlockTable,
  type BlockTable,
} from '../bundle/blocked-layout.js';
import { compareNameStrings } from '../bundle/names.js';
import type { EntryReads, RandomAccessOptions, StoredRecord } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { foldCaseAndAccents } from '../fold.js';
import { BudgetedLru, textBytes } from '../cache-budget.js';
import { inflateAtMost } from '../bundle/inflate.js';

/** `search/titles`: every page's title and path, in blocks, sorted by folded title (FORMAT.md §5). */
export const TITLES_NAME = 'search/titles';
/**
 * Version 3 gives each block a CRC-32, so a first suggestion checks a block, not the whole list;
 * version 2 deflates each block; version 1's blocks are stored as they are (all still read).
 */
export const TITLES_MAGIC = Buffer.from('FRYTTL3\0', 'latin1');
const TITLES_MAGIC_V2 = Buffer.from('FRYTTL2\0', 'latin1');
const TITLES_MAGIC_V1 = Buffer.from('FRYTTL1\0', 'latin1');

export const HEADER_SIZE = BLOCKED_HEADER_SIZE;
export const TITLES_PER_BLOCK = 64;
const BLOCK_CACHE_SIZE = 64;
/** Longer titles (a page whose <title> is a paragraph) are cut: the list stores lengths in 2 bytes. */
const MAX_TITLE_LENGTH = 1000;
/** The most a block can hold: a title of 1000 characters (3 bytes each at most) and a path of 4,096 bytes, each with its length. */
const MAX_BLOCK_BYTES = TITLES_PER_BLOCK * (2 + (MAX_TITLE_LENGTH + 1) * 3 + 2 + 4096);

/** Case, accents and runs of spaces folded away, so "Éte" finds "ete" and "ÉTÉ". */
export function foldTitle(text: string): string {
  return foldCaseAndAccents(text).replace(/\s+/g, ' ').trim();
}

/**
 * A title as pack sorts it: folded title, NUL, path, NUL, title. Byte order then is the stored
 * order: by folded title, then path.
 */
export function sortableTitle(title: string, path: string): Buffer {
  const shown = title.length > MAX_TITLE_LENGTH ? title.slice(0, MAX_TITLE_LENGTH) + '…' : title;
  return Buffer.from(`${foldTitle(shown)}\0${path}\0${shown}`, 'utf8');
}

export interface Suggestion {
  title: string;
  path: string;
}

interface ListedTitle extends Suggestion {
  key: string;
}

/**
 * Prefix search over the stored title list: opening reads its header and block table (one key
 * per 64 titles); a suggestion reads one block, or a few when many titles share the prefix.
 */
export class TitleList {
  private readonly blocks = new BudgetedLru<number, ListedTitle[]>(BLOCK_CACHE_SIZE, (titles) =>
    titles.reduce((sum, title) => sum + 64 + textBytes(title.key) + textBytes(title.title) + textBytes(title.path), 0),
  );

  private constructor(
    private readonly source: EntryReads | undefined,
    private readonly table: BlockTable,
    /** Versions 2 and 3: blocks are deflated. */
    private readonly deflated = false,
  ) {}

  static async open(bundle: {
    resolve(name: string): Promise<StoredRecord | undefined>;
    randomAccess(record: StoredRecord, options?: RandomAccessOptions): Promise<EntryReads>;
  }): Promise<TitleList> {
    const record = await bundle.resolve(TITLES_NAME);
    if (!record) return new TitleList(undefined, emptyBlockTable());
    const source = await bundle.randomAccess(record, { deferCheck: true });
    const corrupt = (what: string) =>
      new FerryError('BUNDLE_CORRUPT', `${source.label}: the title list is damaged (${what}).`);
    if (source.size < HEADER_SIZE) throw corrupt('cut short');
    const header = await source.read(0, HEADER_SIZE);
    const magic = header.subarray(0, 8);
    const checked = magic.equals(TITLES_MAGIC);
    if (!checked && !magic.equals(TITLES_MAGIC_V2) && !magic.equals(TITLES_MAGIC_V1)) throw corrupt('wrong magic');
    if (!checked) await source.checkWhole?.();
    const blockCount = header.readUInt32LE(12);
    const tableOffset = Number(header.readBigUInt64LE(16));
    if (tableOffset < HEADER_SIZE || tableOffset > source.size) throw corrupt('block table outside the list');
    const tableBytes = await source.read(tableOffset, source.size - tableOffset);
    if (checked) checkHeadAndTable(header, tableBytes, corrupt);
    const table = parseBlockTable(tableBytes, blockCount, HEADER_SIZE, tableOffset, corrupt, checked);
    return new TitleList(source, table, !magic.equals(TITLES_MAGIC_V1));
  }

  private async block(number: number): Promise<ListedTitle[]> {
    const cached = this.blocks.get(number);
    if (cached) return cached;
    const stored = await this.source!.read(this.table.offsets[number]!, this.table.lengths[number]!);
    checkBlock(
      this.table,
      number,
      stored,
      (what) => new FerryError('BUNDLE_CORRUPT', `${this.source!.label}: the title list is damaged (${what}).`),
    );
    const bytes = this.deflated
      ? await inflateAtMost(stored, MAX_BLOCK_BYTES).catch((error: Error) => {
          throw new FerryError(
            'BUNDLE_CORRUPT',
            `${this.source!.label}: the title list is damaged (block ${number}: ${error.message}).`,
          );
        })
      : stored;
    const titles: ListedTitle[] = [];
    for (let position = 0; position < bytes.length;) {
      const text = () => {
        const length = position + 2 <= bytes.length ? bytes.readUInt16LE(position) : Infinity;
        if (position + 2 + length > bytes.length) {
          throw new FerryError('BUNDLE_CORRUPT', `${this.source!.label}: the title list is damaged (block ${number}).`);
        }
        position += 2 + length;
        return bytes.toString('utf8', position - length, position);
      };
      const title = text();
      titles.push({ title, path: text(), key: foldTitle(title) });
    }
    this.blocks.set(number, titles);
    return titles;
  }

  /** Titles that start with the prefix, whatever their case and accents; an exact title first. */
  async suggest(prefix: string, limit: number): Promise<Suggestion[]> {
    const wanted = foldTitle(prefix);
    if (wanted === '') return [];
    const found: Suggestion[] = [];
    // Titles that fold alike can span blocks: start in the last block that begins before the prefix.
    const first = Math.max(0, findBlock(this.table, Buffer.from(wanted, 'utf8'), true));
    for (let number = first; number < this.table.offsets.length; number++) {
      for (const { key, title, path } of await this.block(number)) {
        if (key.startsWith(wanted)) {
          found.push({ title, path });
          if (found.length === limit) return found;
        } else if (compareNameStrings(key, wanted) > 0) {
          return found;
        }
      }
    }
    return found;
  }
}
