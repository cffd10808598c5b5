import { spreadSample } from '../bundle/dictionary-builder.js';
import { createManifest, FORMAT_VERSION, type Compression } from '../bundle/manifest.js';
import { searchVersion } from '../search/shard-list.js';
import { DICTIONARY_NAME, INDEX_NAME, MANIFEST_NAME } from '../bundle/names.js';
import { readCentralDirectory } from '../bundle/central-directory.js';
import { EntryKind } from '../bundle/path-index.js';
import { Bundle, type StoredRecord } from '../bundle/reader.js';
import { BundleWriter } from '../bundle/writer.js';
import { ZSTD_ENTRY_LIMIT } from '../bundle/zstd-frame.js';
import { FerryError } from '../errors.js';
import { TITLES_NAME } from '../search/titles.js';
import { chooseDictionary } from './choose-dictionary.js';
import { isPrecompressed } from './media-type.js';
import type { PackProgress } from './pack-site.js';

export interface ConvertOptions {
  input: string;
  output: string;
  compression: Compression;
  /** A previous edition whose dictionary a compact result reuses. */
  base?: string | undefined;
  onProgress?: (progress: PackProgress) => void;
  onWarning?: (message: string) => void;
}

/** Entries the writer makes again itself. */
const NOT_CARRIED = new Set([MANIFEST_NAME, DICTIONARY_NAME, INDEX_NAME]);

/** As a pack decides it: pages and text assets compressed; search, titles and the illustration stored. */
function compressed(record: StoredRecord): boolean {
  if (record.kind === EntryKind.Page) return true;
  if (record.kind === EntryKind.Asset) return !isPrecompressed(record.locator.mediaType);
  return record.name === MANIFEST_NAME;
}

/** The DOS time of an entry's local header (APPNOTE 4.4.6), which archiver writes in UTC. */
async function entryTime(bundle: Bundle, record: StoredRecord): Promise<Date> {
  const header = await bundle.source.read(record.locator.offset + 10, 4);
  const time = header.readUInt16LE(0);
  const date = header.readUInt16LE(2);
  return new Date(
    Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2),
  );
}

/**
 * Rewrites a bundle with other compression: every entry's content, name, kind and media type
 * stay as they are, in the order the pack wrote them, so both forms have one content digest.
 */
export async function convertBundle(options: ConvertOptions): Promise<{ bytes: number; entries: number }> {
  const warn = options.onWarning ?? (() => undefined);
  const input = await Bundle.open(options.input);
  let writer: BundleWriter | undefined;
  try {
    const byName = new Map<string, StoredRecord>();
    const redirects: { name: string; target: string }[] = [];
    for await (const record of input.records()) {
      if (record.kind === EntryKind.Redirect) redirects.push(record);
      else byName.set(record.name, record);
    }
    // The order the pack wrote them in: the ZIP's, where a copy is a link at its own place.
    const central = (await readCentralDirectory(input.source)).sort((a, b) => a.offset - b.offset);
    const stored = central
      .filter((entry) => !NOT_CARRIED.has(entry.name))
      .map((entry) => byName.get(entry.name))
      .filter((record) => record !== undefined);
    if (stored.length === 0) throw new FerryError('INPUT_INVALID', `${input.label} has no entries to convert.`);
    const text = stored.filter((record) => compressed(record) && record.locator.size <= ZSTD_ENTRY_LIMIT);
    const own = await input.resolve(DICTIONARY_NAME);
    const dictionary = await chooseDictionary(
      { compression: options.compression, base: options.base ?? (own ? options.input : undefined) },
      warn,
      async () => {
        const picked = spreadSample(text, (record) => record.locator.size);
        const samples: Buffer[] = [];
        for (const record of picked) samples.push(await input.read(record));
        return { samples, textBytes: text.reduce((sum, record) => sum + record.locator.size, 0) };
      },
    );
    writer = await BundleWriter.create(options.output, { mtime: await entryTime(input, stored[0]!), dictionary });
    const totalBytes = stored.reduce((sum, record) => sum + record.locator.size, 0);
    let bytes = 0;
    for (const [number, record] of stored.entries()) {
      const data = await input.read(record);
      const { name, kind, locator } = record;
      // The title list is streamed when packed (it can be large), which gives it a data descriptor.
      if (name === TITLES_NAME) await writer.addStream({ name, kind, mediaType: locator.mediaType }, [data]);
      else await writer.add({ name, kind, mediaType: locator.mediaType, data, compress: compressed(record) });
      bytes += data.length;
      options.onProgress?.({ files: number + 1, totalFiles: stored.length, bytes, totalBytes });
    }
    for (const redirect of redirects) writer.addRedirect(redirect.name, redirect.target);
    const contentDigest = await writer.contentDigest();
    if (contentDigest !== input.manifest.contentDigest) {
      warn(`the content digest of ${input.label} does not match its entries; the new bundle has its own.`);
    }
    const { metadata, mainPage, illustration, counts } = input.manifest;
    // The search index is carried over as it is: readers must read it as its own version.
    const { shards, documents, language } = input.manifest.search;
    const indexVersion = searchVersion(input.manifest);
    const search = {
      shards,
      documents,
      language,
      ...(indexVersion < FORMAT_VERSION ? { version: indexVersion } : {}),
    };
    const compression = writer.compact ? 'compact' : 'deflate';
    await writer.addManifest(
      createManifest({ metadata, mainPage, illustration, counts, search, compression, contentDigest }),
    );
    const result = await writer.finish();
    writer = undefined;
    return { bytes: result.bytes, entries: stored.length + 2 };
  } catch (error) {
    await writer?.abort();
    throw error;
  } finally {
    await input.close();
  }
}
