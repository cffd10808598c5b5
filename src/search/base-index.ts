import { Bundle } from '../bundle/reader.js';
import { FerryError } from '../errors.js';
import { FIELDS } from './analyse.js';
import { Fingerprint, pageFingerprint, pathKey } from './page-fingerprint.js';
import { decodeSearchStats, SEARCH_STATS_NAME, shardIdName, type ShardListing } from './search-stats.js';
import { SHARD_MAGIC } from './shard-format.js';
import { searchVersion } from './shard-list.js';
import { bufferReads, ShardReader } from './shard-reader.js';

/** Where a page of the base edition is indexed, alive, and the digest of what its shard holds of it. */
export interface BaseSlot {
  shard: number;
  doc: number;
  fingerprint: number;
}

/**
 * The live pages of the base, by the key of their path (page-fingerprint.ts pathKey): three
 * numbers a page, no strings, so a base of millions of pages fits beside the pack. A path whose
 * key (a 53-bit hash) is another's looks changed, and is indexed again.
 */
const AMBIGUOUS = -1;
export class LivePages {
  private readonly slots = new Map<number, number>();
  private readonly shards: number[] = [];
  private readonly docs: number[] = [];
  private readonly fingerprints: number[] = [];

  add(path: string, slot: BaseSlot): void {
    const key = pathKey(path);
    // Two live paths of one key: neither is looked up, so both are indexed again.
    if (this.slots.has(key)) {
      this.slots.set(key, AMBIGUOUS);
      return;
    }
    this.slots.set(key, this.shards.length);
    this.shards.push(slot.shard);
    this.docs.push(slot.doc);
    this.fingerprints.push(slot.fingerprint);
  }

  get(path: string): BaseSlot | undefined {
    const at = this.slots.get(pathKey(path));
    if (at === undefined || at === AMBIGUOUS) return undefined;
    return { shard: this.shards[at]!, doc: this.docs[at]!, fingerprint: this.fingerprints[at]! };
  }

  get size(): number {
    return this.slots.size;
  }
}

export interface BaseShard {
  listing: ShardListing;
  name: string;
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
    readonly live: LivePages,
  ) {}

  /** Undefined when the base has no index this ferry can keep shards of; it then says why. */
  static async open(path: string, warn: (message: string) => void): Promise<BaseIndex | undefined> {
    const bundle = await Bundle.open(path).catch((error: Error) => {
      throw new FerryError('INPUT_MISSING', `Cannot read --base "${path}": ${error.message}`, { cause: error });
    });
    try {
      const record = await bundle.resolve(SEARCH_STATS_NAME);
      if (searchVersion(bundle.manifest) < 4 || !record) {
        warn(`--base "${path}" has no search index of this format: every search shard is made anew.`);
        await bundle.close();
        return undefined;
      }
      const stats = decodeSearchStats(await bundle.read(record), bundle.label);
      const shards: BaseShard[] = [];
      const live = new LivePages();
      for (const [index, listing] of stats.shards.entries()) {
        const name = shardIdName(listing.id);
        if (!(await readShardPages(bundle, name, index, listing, live))) {
          warn(`--base "${path}" has search shards of an older format: every search shard is made anew.`);
          await bundle.close();
          return undefined;
        }
        shards.push({ listing, name });
      }
      return new BaseIndex(bundle, shards, live);
    } catch (error) {
      await bundle.close();
      // The base only saves bytes of the next update: a damaged one costs that, not the new edition.
      const damaged =
        error instanceof FerryError && (error.code === 'BUNDLE_CORRUPT' || error.code === 'ENTRY_DAMAGED');
      if (!damaged) throw error;
      warn(`--base "${path}": its search index is damaged, so every search shard is made anew. ${error.message}`);
      return undefined;
    }
  }

  /** A shard's bytes, to be written again as they are; read again, as holding all from open would hold the whole index. */
  bytes(shard: number): Promise<Buffer> {
    return readShard(this.bundle, this.shards[shard]!.name);
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.bundle.close();
  }
}

async function readShard(bundle: Bundle, name: string): Promise<Buffer> {
  const record = await bundle.resolve(name);
  if (!record) throw new FerryError('BUNDLE_CORRUPT', `${bundle.label}: search shard ${name} is missing.`);
  return bundle.read(record);
}

/**
 * Reads one shard whole: each live page's digest goes into `live`. False when the shard is of an
 * older layout than pack writes.
 */
async function readShardPages(
  bundle: Bundle,
  name: string,
  shardIndex: number,
  { documents, dead }: ShardListing,
  live: LivePages,
): Promise<boolean> {
  const bytes = await readShard(bundle, name);
  if (!bytes.subarray(0, SHARD_MAGIC.length).equals(SHARD_MAGIC)) return false;
  const shard = await ShardReader.open(bufferReads(bytes, `${bundle.label}: ${name}`));
  if (shard.documentCount !== documents) {
    throw new FerryError('BUNDLE_CORRUPT', `${bundle.label}: ${SEARCH_STATS_NAME} and ${name} disagree on its pages.`);
  }
  const deadPages = new Set(dead);
  // Each page's postings arrive term by term in key order, the order the digest takes them in.
  const postings = Array.from({ length: shard.documentCount }, () => new Fingerprint());
  await shard.eachPosting((key, doc, counts) => postings[doc]!.addPosting(key, counts));
  for (let doc = 0; doc < shard.documentCount; doc++) {
    if (deadPages.has(doc)) continue;
    const { path, title } = await shard.document(doc);
    const lengths = shard.fieldLengths(doc);
    if (lengths.length !== FIELDS.length)
      throw new FerryError('BUNDLE_CORRUPT', `${bundle.label}: ${name} is damaged.`);
    const fingerprint = pageFingerprint({
      path,
      title,
      lengths,
      prior: shard.storedPrior(doc),
      postings: postings[doc]!.value(),
    });
    live.add(path, { shard: shardIndex, doc, fingerprint });
  }
  return true;
}
