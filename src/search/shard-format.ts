import { compareNameStrings } from '../bundle/names.js';
import { ByteWriter } from './bytes.js';

/**
 * The binary search shard, `search/shard-NNNN.bin` (FORMAT.md §5): lunr's per-field weights
 * stored as an inverted file, so a query reads only the terms it asks for.
 */

export const SHARD_MAGIC = Buffer.from('FRYSHD1\0', 'latin1');
export const SHARD_HEADER_SIZE = 32;
const TERMS_PER_BLOCK = 64;
/** Field order in postings: bit i of a posting's field mask is FIELDS[i]. */
export const FIELDS = ['title', 'headings', 'body'] as const;
/** Weights are stored in thousandths, the precision lunr rounds them to. */
export const WEIGHT_SCALE = 1000;

export interface ShardDocument {
  path: string;
  title: string;
}

/** What lunr's builder computed: for each document and field, the weight of each of its terms. */
export interface FieldWeights {
  doc: number;
  field: number;
  /** term → weight in thousandths */
  weights: Iterable<[term: string, weight: number]>;
}

interface TermPostings {
  /** doc, field, weight triples in adding order */
  flat: number[];
}

function encodePostings(flat: number[], out: ByteWriter): { documents: number; maxWeight: number } {
  const triples: [number, number, number][] = [];
  for (let i = 0; i < flat.length; i += 3) triples.push([flat[i]!, flat[i + 1]!, flat[i + 2]!]);
  triples.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let previous = 0;
  let documents = 0;
  let maxWeight = 0;
  for (let i = 0; i < triples.length;) {
    const doc = triples[i]![0];
    let mask = 0;
    let end = i;
    let total = 0;
    for (; end < triples.length && triples[end]![0] === doc; end++) mask |= 1 << triples[end]![1];
    out.varint(doc - previous);
    out.byte(mask);
    for (let j = i; j < end; j++) {
      out.varint(triples[j]![2]);
      total += triples[j]![2];
    }
    maxWeight = Math.max(maxWeight, total);
    previous = doc;
    documents++;
    i = end;
  }
  return { documents, maxWeight };
}

/** Encodes one shard; the same input always gives the same bytes. */
export function encodeShard(documents: ShardDocument[], fieldWeights: Iterable<FieldWeights>): Buffer {
  const postings = new Map<string, TermPostings>();
  for (const { doc, field, weights } of fieldWeights) {
    for (const [term, weight] of weights) {
      let entry = postings.get(term);
      if (!entry) postings.set(term, (entry = { flat: [] }));
      entry.flat.push(doc, field, weight);
    }
  }
  const terms = [...postings.keys()].sort(compareNameStrings);

  const out = new ByteWriter();
  for (let i = 0; i < SHARD_HEADER_SIZE; i++) out.byte(0);
  const located = terms.map((term) => {
    const offset = out.length;
    const { documents, maxWeight } = encodePostings(postings.get(term)!.flat, out);
    return { term, documents, maxWeight, offset, length: out.length - offset };
  });

  const termBlocksOffset = out.length;
  const blockOffsets: number[] = [];
  const firstTerms: string[] = [];
  located.forEach((entry, i) => {
    if (i % TERMS_PER_BLOCK === 0) {
      blockOffsets.push(out.length);
      firstTerms.push(entry.term);
    }
    out.string(entry.term);
    out.varint(entry.documents);
    out.varint(entry.maxWeight);
    out.varint(entry.offset);
    out.varint(entry.length);
  });
  blockOffsets.push(out.length);

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
  blockOffsets.forEach((offset) => out.uint32(offset));
  firstTerms.forEach((term) => out.string(term));

  const bytes = out.bytes();
  SHARD_MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(documents.length, 8);
  bytes.writeUInt32LE(terms.length, 12);
  bytes.writeUInt32LE(firstTerms.length, 16);
  bytes.writeUInt32LE(termBlocksOffset, 20);
  bytes.writeUInt32LE(docOffsetsOffset, 24);
  bytes.writeUInt32LE(blockTableOffset, 28);
  return Buffer.from(bytes);
}
