import { languageOfTag } from '../languages.js';
import { structurePrior } from '../search/structure.js';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FerryError } from '../errors.js';
import type { SearchDocument } from '../search/shard-builder.js';
import { listSite } from '../sources/static-site/list-site.js';
import type { Collection, SkippedInput } from '../sources/types.js';
import { decodeHtml, extractPageText } from './html-text.js';
import { checkIllustration, defaultIllustration } from './illustration.js';
import { BundleAssembler } from './assembler.js';
import { chooseDictionary, collectionSamples, type CompressionChoice } from './choose-dictionary.js';
import { isHtml, mediaTypeOf } from './media-type.js';
import { resolveMetadata, type MetadataInput } from './metadata.js';
import { createLinkRewriter, type LinkRewriter } from './rewrite-links.js';
import { readAhead } from '../sources/read-ahead.js';

export interface PackProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  /** What is being done, when a source packs in stages ("reading titles"). */
  stage?: string;
  /** What `files` counts, when not files ("pages"). */
  unit?: string;
}

/** What every kind of source is packed with. */
export interface PackOptions extends CompressionChoice {
  output: string;
  mainPage?: string | undefined;
  baseUrl?: string | undefined;
  metadata: MetadataInput;
  illustration?: string | undefined;
  /** Seconds since 1970 to stamp on every entry, as SOURCE_DATE_EPOCH gives it. */
  sourceDateEpoch?: number | undefined;
  onProgress?: (progress: PackProgress) => void;
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
  /** What was left out and why; a large source names only the first of each kind. */
  skipped: SkippedInput[];
  /** How many inputs were left out, when more than `skipped` names. */
  skippedCount?: number;
}

const NOINDEX = /<meta\s[^>]*name=["']?robots["']?[^>]*content=["'][^"']*noindex/i;
const HEAD_BYTES = 4096;

/** A page as search sees it; none for a page marked noindex (a list of links, a site's own search page). */
export function pageSearchDocument(path: string, html: string): SearchDocument | undefined {
  if (NOINDEX.test(html.slice(0, HEAD_BYTES))) return undefined;
  const page = extractPageText(html);
  return {
    path,
    title: page.title || page.heading || basename(path),
    headings: page.headings,
    names: page.names,
    headingTexts: page.headingTexts,
    text: page.text,
    prior: structurePrior(page),
    language: languageOfTag(page.language),
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

export async function loadIllustration(path: string | undefined, name: string): Promise<Buffer> {
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
  const pageCount = listing.files.filter((file) => /\.x?html?$/i.test(file.path)).length;
  const dictionary = await chooseDictionary(options, warn, () => collectionSamples(listing.files));
  const assembler = await BundleAssembler.create(options.output, mtime, metadata.language, pageCount, dictionary, {
    path: options.base,
    warn,
  });
  try {
    let bytes = 0;
    let number = 0;
    for await (const read of readAhead(listing.files)) {
      const file = read.file;
      let data = read.data;
      const mediaType = mediaTypeOf(file.path, data);
      if (isHtml(mediaType)) {
        let html = decodeHtml(data);
        if (rewriter) {
          const rewritten = rewriter.rewrite(html, file.path);
          if (rewritten !== html) data = Buffer.from((html = rewritten), 'utf8');
        }
        await assembler.addPage(file.path, data, mediaType, pageSearchDocument(file.path, html));
      } else {
        await assembler.addAsset(file.path, data, mediaType);
      }
      bytes += file.size;
      options.onProgress?.({
        files: ++number,
        totalFiles: listing.files.length,
        bytes,
        totalBytes: listing.totalBytes,
      });
    }
    for (const alias of listing.aliases) assembler.addRedirect(alias.path, alias.target);
    const bytesOut = await assembler.finish(metadata, mainPage, illustration);
    return {
      output: options.output,
      name: metadata.name,
      ...assembler.counts,
      bytesIn: listing.totalBytes,
      bytesOut,
      seconds: (performance.now() - started) / 1000,
      skipped: listing.skipped,
    };
  } catch (error) {
    await assembler.abort();
    throw error;
  }
}
