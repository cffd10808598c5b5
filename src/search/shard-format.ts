import { compareNameStrings } from '../bundle/names.js';
import type { EntryReads } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import type { AnalysedDocument } from './analyse.js';
import { ByteWriter } from './bytes.js';
import { hash32 } from './term-hash.js';

/**
 * The binary search shard (FORMAT.md §5): for each term, the pages that have it and how often in
 * each field; for each page, its field lengths and structure prior. Scores are computed at query
 * time from these and the corpus statistics (search-stats.ts), so a shard depends on its own pages
 * only and an edition that changes a few pages changes a few shards.
 */
export const SHARD_MAGIC = Buffer.from('FRYSHD2\0', 'latin1');
/** Shards of bundles packed before term counts were stored: lunr's weights (read, no longer written). */
export const SHARD_MAGIC_V1 = Buffer.from('FRYSHD1\0', 'latin1');
export const SHARD_HEADER_SIZE = 40;
export const SHARD_HEADER_SIZE_V1 = 32;
const TERMS_PER_BLOCK = 128;
/** Pages whose paths are stored one after another, each read with the ones before it in its group. */
export const DOCS_PER_GROUP = 16;
/** Posting flags: the term is in the title, in the headings (body count is stored always). */
export const IN_TITLE = 1;
export const IN_HEADINGS = 2;

export interface ShardDocument {
  path: string;
  title: string;
}

/** Postings as pages are added: page number, then its title, headings and body counts. */
type Postings = number[];

function sharedPrefix(a: Buffer, b: Buffer): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

/** A posting's counts in one varint: the body count, then whether the title and headings have the term. */
function countsCode(title: number, headings: number, body: number): number {
  return body * 4 + (title > 0 ? IN_TITLE : 0) + (headings > 0 ? IN_HEADINGS : 0);
}

function encodePostings(flat: Postings, out: ByteWriter): void {
  let previous = 0;
  for (let i = 0; i < flat.length; i += 4) {
    const [doc, title, headings, body] = [flat[i]!, flat[i + 1]!, flat[i + 2]!, flat[i + 3]!];
    out.varint(doc - previous);
    // Most postings are a body count alone: one byte holds it with the two flags.
    out.varint(countsCode(title, headings, body));
    if (title > 0) out.varint(title);
    if (headings > 0) out.varint(headings);
    previous = doc;
  }
}

/**
 * A term on one page (most terms of a shard) keeps its posting in its entry: the counts code with
 * its low bit set takes the place of the page count, then the page and any title and headings
 * counts. Other terms have their page count shifted left and the length of their postings.
 */
function encodeEntryHead(list: Postings, postingsLength: number, out: ByteWriter): void {
  if (list.length > 4) {
    out.varint((list.length / 4) * 2);
    out.varint(postingsLength);
    return;
  }
  const [doc, title, headings, body] = [list[0]!, list[1]!, list[2]!, list[3]!];
  out.varint(countsCode(title, headings, body) * 2 + 1);
  out.varint(doc);
  if (title > 0) out.varint(title);
  if (headings > 0) out.varint(headings);
}

interface KeyedTerm {
  key: number;
  term: string;
  postings: Postings;
}

/**
 * The shard's terms by key, sorted. Two terms of one shard with the same key (about one shard in
 * two thousand has such a pair) cannot both stay: the one on more pages does, so the loss is the
 * rarer word's pages in this shard only.
 */
function keyedTerms(postings: Map<string, Postings>): KeyedTerm[] {
  const byKey = new Map<number, KeyedTerm>();
  for (const [term, list] of postings) {
    const key = hash32(term);
    const other = byKey.get(key);
    const wins =
      !other ||
      list.length > other.postings.length ||
      (list.length === other.postings.length && compareNameStrings(term, other.term) < 0);
    if (wins) byKey.set(key, { key, term, postings: list });
  }
  return [...byKey.values()].sort((a, b) => a.key - b.key);
}

/** Encodes one shard; the same pages always give the same bytes. */
export function encodeShard(documents: AnalysedDocument[]): Buffer {
  const postings = new Map<string, Postings>();
  documents.forEach((document, doc) => {
    const [title, headings, body] = document.counts as [Map<string, number>, Map<string, number>, Map<string, number>];
    const terms = new Set([...title.keys(), ...headings.keys(), ...body.keys()]);
    for (const term of terms) {
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push(doc, title.get(term) ?? 0, headings.get(term) ?? 0, body.get(term) ?? 0);
    }
  });
  const terms = keyedTerms(postings);

  const out = new ByteWriter();
  for (let i = 0; i < SHARD_HEADER_SIZE; i++) out.byte(0);
  // Postings of terms on two pages or more; a term on one page keeps its posting in its entry.
  const lengths = terms.map(({ postings: list }) => {
    if (list.length === 4) return 0;
    const start = out.length;
    encodePostings(list, out);
    return out.length - start;
  });

  const termBlocksOffset = out.length;
  const blocks: { key: number; offset: number; postings: number }[] = [];
  let postingsOffset = SHARD_HEADER_SIZE;
  let previousKey = 0;
  terms.forEach(({ key, postings: list }, i) => {
    if (i % TERMS_PER_BLOCK === 0) {
      blocks.push({ key, offset: out.length, postings: postingsOffset });
      previousKey = key;
    }
    out.varint(key - previousKey);
    encodeEntryHead(list, lengths[i]!, out);
    postingsOffset += lengths[i]!;
    previousKey = key;
  });
  const normsOffset = out.length;

  for (const document of documents) {
    document.lengths.forEach((length) => out.varint(length));
    out.byte(document.prior);
  }
  // Paths in groups: each after the bytes it shares with the one before in its group.
  const groupsOffset = out.length;
  const groupOffsets: number[] = [];
  let previousPath = Buffer.alloc(0);
  documents.forEach((document, doc) => {
    const path = Buffer.from(document.path, 'utf8');
    const first = doc % DOCS_PER_GROUP === 0;
    if (first) groupOffsets.push(out.length);
    const shared = first ? 0 : sharedPrefix(previousPath, path);
    out.varint(shared);
    out.string(path.subarray(shared));
    out.string(document.title);
    previousPath = path;
  });
  groupOffsets.push(out.length);
  const docOffsetsOffset = out.length;
  groupOffsets.forEach((offset) => out.uint32(offset));

  const blockTableOffset = out.length;
  for (const block of blocks) {
    out.uint32(block.key);
    out.uint32(block.offset);
    out.uint32(block.postings);
  }
  out.uint32(normsOffset);

  const bytes = out.bytes();
  SHARD_MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(documents.length, 8);
  bytes.writeUInt32LE(terms.length, 12);
  bytes.writeUInt32LE(blocks.length, 16);
  bytes.writeUInt32LE(termBlocksOffset, 20);
  bytes.writeUInt32LE(normsOffset, 24);
  bytes.writeUInt32LE(docOffsetsOffset, 28);
  bytes.writeUInt32LE(blockTableOffset, 32);
  bytes.writeUInt32LE(groupsOffset, 36);
  return Buffer.from(bytes);
}

/** A shard's header, once its size and magic are checked. */
export async function readShardHeader(source: EntryReads, magic: Buffer, size: number): Promise<Buffer> {
  const corrupt = (why: string) => new FerryError('BUNDLE_CORRUPT', `${source.label}: ${why}.`);
  if (source.size < size) throw corrupt('the search shard is cut short');
  const header = await source.read(0, size);
  if (!header.subarray(0, 8).equals(magic)) throw corrupt('not a ferry search shard (wrong magic)');
  return header;
}
