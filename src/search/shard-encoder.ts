import { deflateRawSync } from 'node:zlib';
import { compareNameStrings } from '../bundle/names.js';
import type { AnalysedDocument } from './analyse.js';
import { ByteWriter } from './bytes.js';
import {
  DOCS_PER_GROUP,
  IN_HEADINGS,
  IN_TITLE,
  SHARD_HEADER_SIZE,
  SHARD_MAGIC,
  TERMS_PER_BLOCK,
} from './shard-format.js';
import { hash32 } from './term-hash.js';

/** Writes a search shard (FORMAT.md §5.4); Node only, as packing is. */

/** Fixed, so the same pages always give the same bytes. */
const POSTINGS_DEFLATE_LEVEL = 6;

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
  // Postings of terms on two pages or more (a term on one page keeps its posting in its entry),
  // deflated a term block at a time: page-number deltas and counts shrink to about half.
  const lengths: number[] = [];
  const chunkOffsets: number[] = [];
  for (let first = 0; first < terms.length; first += TERMS_PER_BLOCK) {
    const chunk = new ByteWriter(4096);
    for (const { postings: list } of terms.slice(first, first + TERMS_PER_BLOCK)) {
      const start = chunk.length;
      if (list.length > 4) encodePostings(list, chunk);
      lengths.push(chunk.length - start);
    }
    chunkOffsets.push(out.length);
    if (chunk.length > 0) out.raw(deflateRawSync(chunk.bytes(), { level: POSTINGS_DEFLATE_LEVEL }));
  }

  const termBlocksOffset = out.length;
  const blocks: { key: number; offset: number; postings: number }[] = [];
  let previousKey = 0;
  terms.forEach(({ key, postings: list }, i) => {
    if (i % TERMS_PER_BLOCK === 0) {
      blocks.push({ key, offset: out.length, postings: chunkOffsets[i / TERMS_PER_BLOCK]! });
      previousKey = key;
    }
    out.varint(key - previousKey);
    encodeEntryHead(list, lengths[i]!, out);
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
