import { compareNameStrings } from '../bundle/names.js';
import type { AnalysedDocument } from './analyse.js';
import { ByteWriter } from './bytes.js';

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
const TERMS_PER_BLOCK = 64;
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

function encodePostings(flat: Postings, out: ByteWriter): void {
  let previous = 0;
  for (let i = 0; i < flat.length; i += 4) {
    const [doc, title, headings, body] = [flat[i]!, flat[i + 1]!, flat[i + 2]!, flat[i + 3]!];
    out.varint(doc - previous);
    // Most postings are a body count alone: one byte holds it with the two flags.
    out.varint(body * 4 + (title > 0 ? IN_TITLE : 0) + (headings > 0 ? IN_HEADINGS : 0));
    if (title > 0) out.varint(title);
    if (headings > 0) out.varint(headings);
    previous = doc;
  }
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
  const terms = [...postings.keys()].sort(compareNameStrings);

  const out = new ByteWriter();
  for (let i = 0; i < SHARD_HEADER_SIZE; i++) out.byte(0);
  const lengths = terms.map((term) => {
    const start = out.length;
    encodePostings(postings.get(term)!, out);
    return out.length - start;
  });

  const termBlocksOffset = out.length;
  const blocks: { offset: number; postings: number; first: Buffer }[] = [];
  let postingsOffset = SHARD_HEADER_SIZE;
  let previous = Buffer.alloc(0);
  terms.forEach((term, i) => {
    const bytes = Buffer.from(term, 'utf8');
    const first = i % TERMS_PER_BLOCK === 0;
    if (first) blocks.push({ offset: out.length, postings: postingsOffset, first: bytes });
    // Each term after a block's first keeps the bytes it shares with the one before.
    const shared = first ? 0 : sharedPrefix(previous, bytes);
    out.varint(shared);
    out.string(bytes.subarray(shared));
    out.varint(postings.get(term)!.length / 4);
    out.varint(lengths[i]!);
    postingsOffset += lengths[i]!;
    previous = bytes;
  });
  const normsOffset = out.length;

  for (const document of documents) {
    document.lengths.forEach((length) => out.varint(length));
    out.byte(document.prior);
  }
  const docOffsets: number[] = [];
  for (const document of documents) {
    docOffsets.push(out.length);
    out.string(document.path);
    out.string(document.title);
  }
  docOffsets.push(out.length);
  const docOffsetsOffset = out.length;
  docOffsets.forEach((offset) => out.uint32(offset));

  const blockTableOffset = out.length;
  for (const block of blocks) {
    out.uint32(block.offset);
    out.uint32(block.postings);
  }
  out.uint32(normsOffset);
  blocks.forEach((block) => out.string(block.first));

  const bytes = out.bytes();
  SHARD_MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(documents.length, 8);
  bytes.writeUInt32LE(terms.length, 12);
  bytes.writeUInt32LE(blocks.length, 16);
  bytes.writeUInt32LE(termBlocksOffset, 20);
  bytes.writeUInt32LE(normsOffset, 24);
  bytes.writeUInt32LE(docOffsetsOffset, 28);
  bytes.writeUInt32LE(blockTableOffset, 32);
  return Buffer.from(bytes);
}
