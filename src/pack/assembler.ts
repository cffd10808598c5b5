import { createManifest } from '../bundle/manifest.js';
import type { BundleMetadata } from '../bundle/manifest.js';
import { contentName, ILLUSTRATION_NAME } from '../bundle/names.js';
import { EntryKind } from '../bundle/path-index.js';
import { BundleWriter, type NewEntry, type WriterOptions } from '../bundle/writer.js';
import { encodeSearchStats, fieldAverages, SEARCH_STATS_NAME } from '../search/search-stats.js';
import { ShardBuilder, targetTextFor, type FinishedShard, type SearchDocument } from '../search/shard-builder.js';
import { BaseIndex } from '../search/base-index.js';
import { ExternalSorter } from '../external-sort.js';
import { TermDictionaryBuilder } from '../search/term-dictionary-builder.js';
import { TERMS_NAME } from '../search/term-dictionary.js';
import { encodeTitles } from '../search/titles-encoder.js';
import { sortableTitle, TITLES_NAME } from '../search/titles.js';
import { withCharset } from './charset.js';
import { isPrecompressed } from './media-type.js';

export interface AssembledCounts {
  pages: number;
  assets: number;
  redirects: number;
}

/** Stored, not deflated, so a query can read just the parts of a shard (or of the dictionary) it needs. */
function shardEntry(name: string, data: Buffer): NewEntry {
  return {
    name,
    data,
    kind: EntryKind.Data,
    mediaType: 'application/octet-stream',
    compress: false,
  };
}

/**
 * The last step of every source: pages, assets and redirects in, a bundle with its search shards,
 * title list, illustration and manifest out. Whatever the source, only one search shard's
 * documents are held at a time.
 */
export class BundleAssembler {
  readonly counts: AssembledCounts = { pages: 0, assets: 0, redirects: 0 };
  /** Titles for suggestions, sorted on disk when a wiki has millions. */
  private readonly titles: ExternalSorter;
  /** Which shards hold each term, for `search/terms`. */
  private readonly terms: TermDictionaryBuilder;

  private constructor(
    private readonly writer: BundleWriter,
    private readonly shards: ShardBuilder,
    private readonly base: BaseIndex | undefined,
  ) {
    this.titles = new ExternalSorter(writer.spillPath('titles'));
    this.terms = new TermDictionaryBuilder(writer.spillPath('terms'));
  }

  /** A temporary file beside the bundle's, for a source's own sorting; the source removes it. */
  spillPath(purpose: string): string {
    return this.writer.spillPath(purpose);
  }

  /**
   * `expectedPages`: about how many pages will come, which sizes the search shards.
   * `dictionary`: for a compact bundle, its zstd dictionary or how to make one (WriterOptions).
   * `base`: the previous edition (`--base`), whose search shards are kept where pages are unchanged.
   */
  static async create(
    output: string,
    mtime: Date,
    language: string,
    expectedPages: number,
    dictionary?: WriterOptions['dictionary'],
    baseEdition?: { path: string | undefined; warn: (message: string) => void },
  ): Promise<BundleAssembler> {
    const base = baseEdition?.path === undefined ? undefined : await BaseIndex.open(baseEdition.path, baseEdition.warn);
    const shards = new ShardBuilder(language, targetTextFor(expectedPages), base);
    try {
      return new BundleAssembler(await BundleWriter.create(output, { mtime, dictionary }), shards, base);
    } catch (error) {
      await base?.close();
      throw error;
    }
  }

  private async writeShards(shards: FinishedShard[]): Promise<void> {
    for (const shard of shards) {
      const bytes = 'bytes' in shard ? shard.bytes : await this.base!.bytes(shard.fromBase);
      await this.writer.add(shardEntry(shard.name, bytes));
      await this.terms.addShard(bytes, shard.name);
    }
  }

  /** A page; with `search`, it is indexed and its title goes into suggestions. */
  async addPage(path: string, data: Buffer, type: string, search?: SearchDocument): Promise<void> {
    const mediaType = withCharset(type, data);
    if (search) {
      this.titles.add(sortableTitle(search.title, path));
      await this.writeShards(this.shards.add(search));
    }
    this.counts.pages++;
    await this.writer.add({ name: contentName(path), data, kind: EntryKind.Page, mediaType, compress: true });
  }

  async addAsset(path: string, data: Buffer, type: string): Promise<void> {
    const mediaType = withCharset(type, data);
    this.counts.assets++;
    await this.writer.add({
      name: contentName(path),
      data,
      kind: EntryKind.Asset,
      mediaType,
      compress: !isPrecompressed(mediaType),
    });
  }

  /** A name that leads to another page; with a title, the title is offered in suggestions. */
  addRedirect(path: string, target: string, title?: string): void {
    this.counts.redirects++;
    if (title !== undefined) this.titles.add(sortableTitle(title, path));
    this.writer.addRedirect(contentName(path), contentName(target));
  }

  /** Writes the index, titles, illustration and manifest, and puts the bundle in place. */
  async finish(metadata: BundleMetadata, mainPage: string, illustration: Buffer): Promise<number> {
    const { last, stats } = this.shards.finish();
    await this.writeShards(last);
    await this.base?.close();
    await this.writer.add(shardEntry(SEARCH_STATS_NAME, encodeSearchStats(stats)));
    // Common terms are bounded with the averages a query scores with.
    const dictionary = await this.terms.encode({ averages: fieldAverages(stats) });
    this.terms.close();
    if (dictionary) await this.writer.add(shardEntry(TERMS_NAME, dictionary));
    // Stored, not deflated, so a suggestion reads just the block it needs.
    const titles = { name: TITLES_NAME, kind: EntryKind.Data, mediaType: 'application/octet-stream' } as const;
    await this.writer.addStream(
      titles,
      encodeTitles(() => this.titles.sorted()),
    );
    await this.writer.add({
      name: ILLUSTRATION_NAME,
      data: illustration,
      kind: EntryKind.Data,
      mediaType: 'image/png',
      compress: false,
    });
    await this.writer.addManifest(
      createManifest({
        metadata,
        mainPage,
        illustration: ILLUSTRATION_NAME,
        counts: this.counts,
        search: { shards: stats.shards.length, documents: stats.documents, language: this.shards.languages },
        compression: this.writer.compact ? 'compact' : 'deflate',
        contentDigest: await this.writer.contentDigest(),
      }),
    );
    const { bytes } = await this.writer.finish();
    this.titles.close();
    return bytes;
  }

  async abort(): Promise<void> {
    this.titles.close();
    this.terms.close();
    await this.base?.close();
    await this.writer.abort();
  }
}
