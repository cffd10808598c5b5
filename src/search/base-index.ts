import { Bundle } from '../bundle/reader.js';
import type { EntryReads } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { FIELDS } from './analyse.js';
import { pageFingerprint } from './page-fingerprint.js';
import { decodeSearchStats, SEARCH_STATS_NAME, shardIdName, type ShardListing } from './search-stats.js';
import { SHARD_MAGIC } from './shard-format.js';
import { ShardReader } from './shard-reader.js';

/** Where a page of the base edition is indexed, alive, and the digest of what its shard holds of it. */
export interface BaseSlot {
  shard: number;
  doc: number;
  fingerprint: string;
}

export interface BaseShard {
  listing: ShardListing;
  name: string;
  /** The path of its first page, dead or not: a new edition's shard of the same first page lines up with it. */
  firstPath: string;
}

function bufferReads(bytes: Buffer, label: string): EntryReads {
  return {
    size: bytes.length,
    label,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}

/**
 * The search index of the previous edition, given to `ferry pack --base`: which shards it has,
 * and for each page alive in it, where and what the index holds of it. A new edition keeps a
 * shard of its base whole, byte for byte, when nearly all of its pages are unchanged
 * (shard-builder.ts), so `ferry update` does not fetch it again.
 */
export class BaseIndex {
  private constructor(
    private readonly bundle: Bundle,
    readonly shards: BaseShard[],
    readonly live: Map<string, BaseSlot>,
  ) {}

  /** Undefined when the base has no index this ferry can keep shards of; it then says why. */
  static async open(path: string, warn: (message: string) => void): Promise<BaseIndex | undefined> {
    const bundle = await Bundle.open(path).catch((error: Error) => {
      throw new FerryError('INPUT_MISSING', `Cannot read --base "${path}": ${error.message}`, { cause: error });
    });
    try {
      const record = await bundle.resolve(SEARCH_STATS_NAME);
      if (bundle.manifest.version < 4 || !record) {
        warn(`--base "${path}" has no search index of this format: every search shard is made anew.`);
        await bundle.close();
        return undefined;
      }
      const stats = decodeSearchStats(await bundle.read(record), bundle.label);
      const shards: BaseShard[] = [];
      const live = new Map<string, BaseSlot>();
      for (const [index, listing] of stats.shards.entries()) {
        const name = shardIdName(listing.id);
        const paths = await readShardPages(bundle, name, index, new Set(listing.dead), live);
        if (!paths) {
          warn(`--base "${path}" has search shards of an older format: every search shard is made anew.`);
          await bundle.close();
          return undefined;
        }
        shards.push({ listing, name, firstPath: paths[0] ?? '' });
      }
      return new BaseIndex(bundle, shards, live);
    } catch (error) {
      await bundle.close();
      throw error;
    }
  }

  /** A shard's bytes, to be written again as they are. */
  async bytes(shard: number): Promise<Buffer> {
    const { name } = this.shards[shard]!;
    const record = await this.bundle.resolve(name);
    if (!record) throw new FerryError('BUNDLE_CORRUPT', `${this.bundle.label}: search shard ${name} is missing.`);
    return this.bundle.read(record);
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.bundle.close();
  }
}

/**
 * Reads one shard whole: each live page's digest goes into `live`. Returns the paths of all its
 * pages, or undefined when the shard is of an older layout than pack writes.
 */
async function readShardPages(
  bundle: Bundle,
  name: string,
  shardIndex: number,
  dead: Set<number>,
  live: Map<string, BaseSlot>,
): Promise<string[] | undefined> {
  const record = await bundle.resolve(name);
  if (!record) throw new FerryError('BUNDLE_CORRUPT', `${bundle.label}: search shard ${name} is missing.`);
  const bytes = await bundle.read(record);
  if (!bytes.subarray(0, SHARD_MAGIC.length).equals(SHARD_MAGIC)) return undefined;
  const shard = await ShardReader.open(bufferReads(bytes, `${bundle.label}: ${name}`));
  const postings: number[][] = Array.from({ length: shard.documentCount }, () => []);
  await shard.eachPosting((key, doc, counts) => postings[doc]!.push(key, counts[0]!, counts[1]!, counts[2]!));
  const paths: string[] = [];
  for (let doc = 0; doc < shard.documentCount; doc++) {
    const { path, title } = await shard.document(doc);
    paths.push(path);
    if (dead.has(doc)) continue;
    const lengths = shard.fieldLengths(doc);
    if (lengths.length !== FIELDS.length)
      throw new FerryError('BUNDLE_CORRUPT', `${bundle.label}: ${name} is damaged.`);
    const fingerprint = pageFingerprint({
      path,
      title,
      lengths,
      prior: shard.storedPrior(doc),
      postings: postings[doc]!,
    });
    live.set(path, { shard: shardIndex, doc, fingerprint });
  }
  return paths;
}
