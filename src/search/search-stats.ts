import { FerryError } from '../errors.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { FIELDS } from './analyse.js';

/**
 * `search/shards` (FORMAT.md §5): the corpus statistics scores need (pages, total length of each
 * field) and the list of shards. Every edition changes it, so it is kept small; the shards
 * themselves depend only on their own pages.
 */
export const SEARCH_STATS_NAME = 'search/shards';
const MAGIC = Buffer.from('FRYSTS2\0', 'latin1');
/** Before editions kept shards of their base (version 4): no flags and no dead pages per shard. */
const MAGIC_V1 = Buffer.from('FRYSTS1\0', 'latin1');
/** A shard's flag: it holds pages changed since their shard was made, an edition's delta (FORMAT.md §5.8). */
const DELTA = 1;

export interface ShardListing {
  /** The shard's name is `search/shard-<id as 8 hex digits>.bin`. */
  id: number;
  /** Pages the shard holds, dead ones included. */
  documents: number;
  /** It holds pages changed or added since the shard their path places them in was made. */
  delta: boolean;
  /** Pages of the shard that a later edition replaced or removed, in increasing order: search skips them. */
  dead: number[];
}

export interface SearchStats {
  /** Pages indexed, the dead pages of shards not counted. */
  documents: number;
  /** Total length in terms of each field (FIELDS order) over all pages. */
  fieldLengths: number[];
  shards: ShardListing[];
  /** Pages of each language other than the main one, by the prefix of their terms (`deu:`). */
  languagePages: Map<string, number>;
}

/** The average length of each field over the pages: what scores normalise by (FORMAT.md §5.5). */
export function fieldAverages(stats: Pick<SearchStats, 'documents' | 'fieldLengths'>): number[] {
  return stats.fieldLengths.map((total) => (stats.documents > 0 ? total / stats.documents : 1));
}

export function shardIdName(id: number): string {
  return `search/shard-${id.toString(16).padStart(8, '0')}.bin`;
}

export function encodeSearchStats(stats: SearchStats): Buffer {
  const out = new ByteWriter();
  MAGIC.forEach((byte) => out.byte(byte));
  out.varint(stats.documents);
  stats.fieldLengths.forEach((length) => out.varint(length));
  out.varint(stats.shards.length);
  for (const shard of stats.shards) {
    out.uint32(shard.id);
    out.varint(shard.documents);
    out.varint(shard.delta ? DELTA : 0);
    out.varint(shard.dead.length);
    let previous = 0;
    for (const doc of shard.dead) {
      out.varint(doc - previous);
      previous = doc;
    }
  }
  const languages = [...stats.languagePages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  out.varint(languages.length);
  for (const [prefix, pages] of languages) {
    out.string(prefix);
    out.varint(pages);
  }
  return Buffer.from(out.bytes());
}

export function decodeSearchStats(bytes: Buffer, label: string): SearchStats {
  const magic = bytes.subarray(0, MAGIC.length);
  const current = magic.equals(MAGIC);
  if (!current && !magic.equals(MAGIC_V1)) {
    throw new FerryError('BUNDLE_CORRUPT', `${label}: ${SEARCH_STATS_NAME} is not ferry search statistics.`);
  }
  const reader = new ByteReader(bytes, `${label}: ${SEARCH_STATS_NAME}`);
  reader.position = MAGIC.length;
  const documents = reader.varint();
  const fieldLengths = FIELDS.map(() => reader.varint());
  const count = reader.varint();
  const shards: ShardListing[] = [];
  for (let i = 0; i < count; i++) {
    const shard: ShardListing = { id: reader.uint32(), documents: reader.varint(), delta: false, dead: [] };
    if (current) {
      shard.delta = (reader.varint() & DELTA) !== 0;
      let doc = 0;
      for (let dead = reader.varint(); dead > 0; dead--) {
        doc += reader.varint();
        if (doc >= shard.documents || (shard.dead.length > 0 && doc <= shard.dead.at(-1)!)) {
          throw new FerryError(
            'BUNDLE_CORRUPT',
            `${label}: ${SEARCH_STATS_NAME} lists a dead page that is not in its shard.`,
          );
        }
        shard.dead.push(doc);
      }
    }
    shards.push(shard);
  }
  const languagePages = new Map<string, number>();
  for (let i = reader.varint(); i > 0; i--) languagePages.set(reader.string(), reader.varint());
  return { documents, fieldLengths, shards, languagePages };
}
