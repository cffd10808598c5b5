import type { EntryReads } from '../bundle/reader.js';
import { FerryError } from '../errors.js';

/**
 * The binary search shard (FORMAT.md §5): for each term, the pages that have it and how often in
 * each field; for each page, its field lengths and structure prior. Scores are computed at query
 * time from these and the corpus statistics (search-stats.ts), so a shard depends on its own pages
 * only and an edition that changes a few pages changes a few shards.
 */
export const SHARD_MAGIC = Buffer.from('FRYSHD3\0', 'latin1');
/** Shards whose postings lists are stored as they are, not deflated per term block (read, no longer written). */
export const SHARD_MAGIC_V2 = Buffer.from('FRYSHD2\0', 'latin1');
/** Shards of bundles packed before term counts were stored: lunr's weights (read, no longer written). */
export const SHARD_MAGIC_V1 = Buffer.from('FRYSHD1\0', 'latin1');
export const SHARD_HEADER_SIZE = 40;
export const SHARD_HEADER_SIZE_V1 = 32;
export const TERMS_PER_BLOCK = 128;
/** Pages whose paths are stored one after another, each read with the ones before it in its group. */
export const DOCS_PER_GROUP = 16;
/** Posting flags: the term is in the title, in the headings (body count is stored always). */
export const IN_TITLE = 1;
export const IN_HEADINGS = 2;

export interface ShardDocument {
  path: string;
  title: string;
}

/** A shard's header, once its size and magic are checked. */
export async function readShardHeader(source: EntryReads, magic: Buffer, size: number): Promise<Buffer> {
  const corrupt = (why: string) => new FerryError('BUNDLE_CORRUPT', `${source.label}: ${why}.`);
  if (source.size < size) throw corrupt('the search shard is cut short');
  const header = await source.read(0, size);
  if (!header.subarray(0, 8).equals(magic)) throw corrupt('not a ferry search shard (wrong magic)');
  return header;
}
