import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createManifest } from '../bundle/manifest.js';
import { contentName, ILLUSTRATION_NAME, shardName } from '../bundle/names.js';
import { EntryKind } from '../bundle/path-index.js';
import { BundleWriter, type NewEntry } from '../bundle/writer.js';
import { FerryError } from '../errors.js';
import { ShardBuilder } from '../search/shard-builder.js';
import { sortTitles, TITLES_NAME, type TitleEntry } from '../search/titles.js';
import { listSite } from '../sources/static-site/list-site.js';
import type { Collection, SkippedInput } from '../sources/types.js';
import { decodeHtml, extractPageText } from './html-text.js';
import { checkIllustration, defaultIllustration } from './illustration.js';
import { isHtml, isPrecompressed, mediaTypeOf } from './media-type.js';
import { resolveMetadata, type MetadataInput } from './metadata.js';
import { createLinkRewriter, type LinkRewriter } from './rewrite-links.js';

/** What every kind of source is packed with. */
export interface PackOptions {
  output: string;
  mainPage?: string | undefined;
  baseUrl?: string | undefined;
  metadata: MetadataInput;
  illustration?: string | undefined;
  /** Seconds since 1970 to stamp on every entry, as SOURCE_DATE_EPOCH gives it. */
  sourceDateEpoch?: number | undefined;
  onProgress?: (progress: { files: number; totalFiles: number; bytes: number; totalBytes: number }) => void;
  onWarning?: (message: string) => void;
}

export interface PackSiteOptions extends PackOptions {
  folder: string;
}

export interface PackSummary {
  output: string;
  name: string;
  pages: number;
  assets: number;
  redirects: number;
  bytesIn: number;
  bytesOut: number;
  seconds: number;
  skipped: SkippedInput[];
}

const NOINDEX = /<meta\s[^>]*name=["']?robots["']?[^>]*content=["'][^"']*noindex/i;
const HEAD_BYTES = 4096;

function jsonEntry(name: string, data: Buffer): NewEntry {
  return { name, data, kind: EntryKind.Data, mediaType: 'application/json', compress: true };
}

/** Stored, not deflated, so a query can read just the parts of a shard it needs. */
function shardEntry(number: number, data: Buffer): NewEntry {
  return {
    name: shardName(number),
    data,
    kind: EntryKind.Data,
    mediaType: 'application/octet-stream',
    compress: false,
  };
}

/** Step: pick the main page, as asked or by the usual names. */
function chooseMainPage(listing: Collection, asked: string | undefined, warn: (message: string) => void): string {
  const paths = new Set(listing.files.map((file) => file.path));
  if (asked !== undefined) {
    const path = asked.replace(/^\/+/, '');
    if (!paths.has(path)) throw new FerryError('USAGE', `--main "${asked}" is not a file of "${listing.root}".`);
    return path;
  }
  for (const candidate of ['index.html', 'index.htm', 'index.xhtml']) {
    if (paths.has(candidate)) return candidate;
  }
  const firstPage = listing.files.find((file) => /\.x?html?$/i.test(file.path));
  if (!firstPage)
    throw new FerryError(
      'INPUT_INVALID',
      `The folder "${listing.root}" has no HTML page to open first. Give --main PATH.`,
    );
  warn(`there is no index.html at the top; "${firstPage.path}" is the main page (choose another with --main).`);
  return firstPage.path;
}

async function loadIllustration(path: string | undefined, name: string): Promise<Buffer> {
  if (path === undefined) return defaultIllustration(name);
  const data = await readFile(path).catch((error: Error) => {
    throw new FerryError('INPUT_MISSING', `Cannot read --illustration "${path}": ${error.message}.`, { cause: error });
  });
  checkIllustration(data, path);
  return data;
}

/** Turns a folder of a mirrored site into a bundle, written atomically at `options.output`. */
export async function packSite(options: PackSiteOptions): Promise<PackSummary> {
  const started = performance.now();
  return packCollection(await listSite(options.folder), options, started);
}

/** Packs what a source lists into a bundle, written atomically at `options.output`. */
export async function packCollection(
  listing: Collection,
  options: PackOptions,
  started = performance.now(),
): Promise<PackSummary> {
  const warn = options.onWarning ?? (() => undefined);
  for (const skipped of listing.skipped) warn(`skipped "${skipped.path}": ${skipped.reason}.`);
  const mainPage = chooseMainPage(listing, options.mainPage, warn);
  const mainFile = listing.files.find((file) => file.path === mainPage)!;
  const mainTitle = extractPageText(decodeHtml(await mainFile.read())).title;

  const mtime =
    options.sourceDateEpoch !== undefined
      ? new Date(options.sourceDateEpoch * 1000)
      : new Date(Math.floor(listing.newestMtimeMs / 1000) * 1000);
  const { metadata, warnings } = resolveMetadata(options.metadata, {
    folderName: basename(listing.root),
    mainPageTitle: mainTitle,
    date: mtime,
    source: options.baseUrl ?? '',
  });
  warnings.forEach(warn);
  const illustration = await loadIllustration(options.illustration, metadata.name);

  const paths = new Set(listing.files.map((file) => file.path));
  const rewriter: LinkRewriter | undefined = options.baseUrl
    ? createLinkRewriter(options.baseUrl, (path) => paths.has(path))
    : undefined;
  const shards = new ShardBuilder(metadata.language);
  const writer = await BundleWriter.create(options.output, { mtime });
  const counts = { pages: 0, assets: 0, redirects: listing.aliases.length };
  const titles: TitleEntry[] = [];
  try {
    let bytes = 0;
    for (const [number, file] of listing.files.entries()) {
      let data = await file.read();
      const mediaType = mediaTypeOf(file.path, data);
      let kind = EntryKind.Asset;
      if (isHtml(mediaType)) {
        kind = EntryKind.Page;
        let html = decodeHtml(data);
        if (rewriter) {
          const rewritten = rewriter.rewrite(html, file.path);
          if (rewritten !== html) data = Buffer.from((html = rewritten), 'utf8');
        }
        // A page marked noindex (a list of links, a site's own search page) stays out of search.
        if (!NOINDEX.test(html.slice(0, HEAD_BYTES))) {
          const page = extractPageText(html);
          const title = page.title || page.heading || basename(file.path);
          titles.push([title, file.path]);
          const shard = shards.add({ path: file.path, title, headings: page.headings, text: page.text });
          if (shard) await writer.add(shardEntry(shards.shards - 1, shard));
        }
      }
      counts[kind === EntryKind.Page ? 'pages' : 'assets']++;
      await writer.add({ name: contentName(file.path), data, kind, mediaType, compress: !isPrecompressed(mediaType) });
      bytes += file.size;
      options.onProgress?.({
        files: number + 1,
        totalFiles: listing.files.length,
        bytes,
        totalBytes: listing.totalBytes,
      });
    }
    for (const alias of listing.aliases) writer.addRedirect(contentName(alias.path), contentName(alias.target));
    const lastShard = shards.finish();
    if (lastShard) await writer.add(shardEntry(shards.shards - 1, lastShard));
    await writer.add(jsonEntry(TITLES_NAME, Buffer.from(JSON.stringify(sortTitles(titles)))));
    await writer.add({
      name: ILLUSTRATION_NAME,
      data: illustration,
      kind: EntryKind.Data,
      mediaType: 'image/png',
      compress: false,
    });

    await writer.addManifest(
      createManifest({
        metadata,
        mainPage,
        illustration: ILLUSTRATION_NAME,
        counts,
        search: { shards: shards.shards, documents: shards.documents, language: metadata.language },
        contentDigest: writer.contentDigest(),
      }),
    );
    const { bytes: bytesOut } = await writer.finish();
    return {
      output: options.output,
      name: metadata.name,
      ...counts,
      bytesIn: listing.totalBytes,
      bytesOut,
      seconds: (performance.now() - started) / 1000,
      skipped: listing.skipped,
    };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
