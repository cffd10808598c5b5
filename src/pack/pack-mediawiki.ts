import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { trackTempFile, untrackTempFile } from '../bundle/temp-files.js';
import { FerryError } from '../errors.js';
import { CategoryIndex } from '../sources/mediawiki/category-index.js';
import type { CategoryPage } from '../sources/mediawiki/category-pages.js';
import { categoriesOf } from '../sources/mediawiki/categories.js';
import { DumpDamagedError, readDump, type DumpPage, type SiteInfo } from '../sources/mediawiki/dump-reader.js';
import { openDump, type Bzip2Choice } from '../sources/mediawiki/open-dump.js';
import { STYLESHEET, STYLESHEET_PATH } from '../sources/mediawiki/page-html.js';
import type { RenderSetup } from '../sources/mediawiki/render-page.js';
import { RenderPool } from '../sources/mediawiki/render-pool.js';
import { RenderWindow } from '../sources/mediawiki/render-window.js';
import { isPackedPage, scanDump, type DumpScan } from '../sources/mediawiki/scan.js';
import { ISO_639_3, mainPageTitle, siteMetadata } from '../sources/mediawiki/site-metadata.js';
import type { CallOutcome } from '../sources/mediawiki/templates/template-counts.js';
import { anchorOf, CATEGORY, fullTitle, parseTitle, titlePath, titlePathProblem } from '../sources/mediawiki/titles.js';
import { isEnterpriseDump } from '../sources/mediawiki/enterprise/records.js';
import { BundleAssembler } from './assembler.js';
import { packEnterprise } from './pack-enterprise.js';
import { chooseDictionary } from './choose-dictionary.js';
import { resolveMetadata } from './metadata.js';
import { loadIllustration, type PackOptions, type PackSummary } from './pack-site.js';

export interface PackMediawikiOptions extends PackOptions {
  dump: string;
  /** Namespace numbers to carry besides the articles (0). */
  namespaces?: number[] | undefined;
  /** Pack the complete pages of a damaged dump instead of failing. */
  partial?: boolean | undefined;
  /** Worker threads that render pages (default: one per core). */
  threads?: number | undefined;
  bzip2?: Bzip2Choice | undefined;
}

/** Warnings that name a skipped page, per reason; the rest are counted. */
const NAMED_SKIPS = 20;

export interface MediawikiSummary extends PackSummary {
  articles: number;
  categories: number;
  /** Templates in the dump, and how the pages' calls were shown, over all and for the 20 names called most (XML dumps). */
  templates?: {
    inDump: number;
    totals: Record<CallOutcome, number>;
    top: [string, Record<CallOutcome, number>][];
  };
}

/** The wiki's address from <siteinfo>'s base (its main page's URL), or empty. */
function serverOf(base: string): string {
  try {
    return new URL(base).origin;
  } catch {
    return '';
  }
}

/** Adds the category pages; the first page of a category is found by its title, those after it by nothing. */
export async function addCategoryPages(
  assembler: BundleAssembler,
  pages: Iterable<CategoryPage & { first: boolean }>,
): Promise<void> {
  for (const page of pages) {
    const search = page.first ? { path: page.path, title: page.title, headings: '', text: '' } : undefined;
    await assembler.addPage(page.path, Buffer.from(page.html), 'text/html', search);
  }
}

/** A temporary file beside the output for the dump's templates, removed if the pack is interrupted. */
function templatesPath(output: string): string {
  const path = join(dirname(output), `.${basename(output)}.templates-${process.pid}.tmp`);
  trackTempFile(path);
  return path;
}

/**
 * The bundle's metadata from the wiki's siteinfo under the person's flags, its date (the newest
 * revision's, or SOURCE_DATE_EPOCH), its illustration, and the language as HTML's lang has it.
 */
export async function wikiMetadata(options: PackMediawikiOptions, siteInfo: SiteInfo, newestMs: number, title: string) {
  const warn = options.onWarning ?? (() => undefined);
  const mtime = options.sourceDateEpoch !== undefined ? new Date(options.sourceDateEpoch * 1000) : new Date(newestMs);
  const fromSite = siteMetadata(siteInfo);
  const { metadata, warnings } = resolveMetadata(
    { ...Object.fromEntries(Object.entries(fromSite).filter(([, value]) => value !== undefined)), ...options.metadata },
    { folderName: 'wiki', mainPageTitle: title, date: mtime, source: fromSite.source ?? '' },
  );
  warnings.forEach(warn);
  const illustration = await loadIllustration(options.illustration, metadata.name);
  const mainLanguage = metadata.language.split(',')[0]!;
  const htmlLanguage = Object.entries(ISO_639_3).find(([, code]) => code === mainLanguage)?.[0] ?? mainLanguage;
  return { mtime, metadata, illustration, htmlLanguage };
}

/** Checks the chosen main page, else the wiki's own, else its first article. */
function chooseMainTitle(scan: DumpScan, asked: string | undefined): string {
  const { namespaces } = scan.siteInfo;
  if (asked !== undefined) {
    const title = fullTitle(parseTitle(asked, namespaces), namespaces);
    if (!scan.titles.has(title)) throw new FerryError('USAGE', `--main "${asked}" is not a page of the dump.`);
    return title;
  }
  const own = mainPageTitle(scan.siteInfo);
  if (own !== undefined) {
    const title = fullTitle(parseTitle(own, namespaces), namespaces);
    if (scan.titles.has(title)) return title;
  }
  if (scan.firstArticle === undefined) {
    throw new FerryError('INPUT_INVALID', 'The dump has no article with text to pack (namespace 0, not a redirect).');
  }
  return scan.firstArticle;
}

/**
 * Packs a MediaWiki dump: an Enterprise HTML dump (pack-enterprise.ts), or an XML dump in two streamed passes: the first learns which titles exist (8 bytes
 * each), the second renders pages in worker threads and writes them in dump order, then the
 * category pages. Neither pass holds more than a window of pages.
 */
export async function packMediawiki(options: PackMediawikiOptions): Promise<MediawikiSummary> {
  if (await isEnterpriseDump(options.dump)) return packEnterprise(options);
  const started = performance.now();
  const run: PackRun = {
    options,
    warn: options.onWarning ?? (() => undefined),
    included: new Set([0, ...(options.namespaces ?? [])]),
    partial: options.partial ?? false,
    progress:
      (stage: string) =>
      (bytes: number, totalBytes: number, pages: number, total = 0) =>
        options.onProgress?.({ stage, unit: 'pages', files: pages, totalFiles: total, bytes, totalBytes }),
  };
  run.included.delete(CATEGORY); // category pages are made from their members, with the dump's text on top
  const storePath = templatesPath(options.output);
  let scan: DumpScan;
  try {
    scan = await scanDump(options.dump, {
      namespaces: run.included,
      bzip2: options.bzip2,
      partial: run.partial,
      onProgress: run.progress('reading titles'),
      templatesPath: storePath,
    });
  } catch (error) {
    untrackTempFile(storePath);
    throw error;
  }
  try {
    return await packScanned(run, scan, started);
  } finally {
    scan.templateWriter.remove();
    untrackTempFile(storePath);
  }
}

interface PackRun {
  options: PackMediawikiOptions;
  warn: (message: string) => void;
  /** Namespaces whose pages become pages of the bundle. */
  included: Set<number>;
  partial: boolean;
  progress: (stage: string) => (bytes: number, totalBytes: number, pages: number, total?: number) => void;
}

/** The second pass: renders the pages the first pass found, in dump order, then the category pages. */
async function packScanned(run: PackRun, scan: DumpScan, started: number): Promise<MediawikiSummary> {
  const { options, warn, included, partial, progress } = run;
  if (scan.damage) warn(`${scan.damage.summary}; packing the ${scan.damage.pages} pages before it.`);
  const { siteInfo } = scan;
  const { namespaces } = siteInfo;
  const mainTitle = chooseMainTitle(scan, options.mainPage);
  const mainPath = titlePath(mainTitle);

  const { mtime, metadata, illustration, htmlLanguage } = await wikiMetadata(
    options,
    siteInfo,
    scan.newestMs,
    siteInfo.siteName || mainTitle,
  );
  const setup: RenderSetup = {
    namespaces,
    titleKeys: scan.titles.buffer,
    siteName: metadata.title,
    htmlLanguage,
    mainPath,
    templates: scan.templates,
    nowMs: scan.newestMs,
    server: serverOf(siteInfo.base),
    wiki: siteInfo.dbName,
  };

  // Pages are rendered as the dump streams by: the dictionary comes from the first ones.
  const dictionary = await chooseDictionary(options, warn);
  const assembler = await BundleAssembler.create(options.output, mtime, metadata.language, scan.pages, dictionary, {
    path: options.base,
    warn,
  });
  const pool = new RenderPool(Math.max(1, options.threads ?? availableParallelism()), setup);
  const categories = new CategoryIndex(assembler.spillPath('categories'));
  const skipped: { path: string; reason: string }[] = [];
  // A dump can have thousands of empty pages: the first few of each kind are named, the rest counted.
  const skippedBy = new Map<string, number>();
  let skippedCount = 0;
  const skip = (title: string, reason: string) => {
    skippedCount++;
    const kind = reason.replace(/\(.*\)/, '').trim();
    const seen = (skippedBy.get(kind) ?? 0) + 1;
    skippedBy.set(kind, seen);
    if (seen > NAMED_SKIPS) return;
    skipped.push({ path: title, reason });
    warn(`skipped page "${title}": ${reason}.`);
  };
  const unknownNamespaces = new Set<number>();
  let rendered = 0;

  const window = new RenderWindow(pool, async (result, job) => {
    if ('error' in result) return skip(job.title, `it could not be rendered (${result.error})`);
    if (job.namespace === CATEGORY) return categories.describe(parseTitle(job.title, namespaces).name, result.body);
    await assembler.addPage(result.path, Buffer.from(result.html), 'text/html', result.search);
    for (const category of result.categories) categories.addPage(category, job.title, job.path);
    rendered++;
  });

  /** Each page of the dump: rendered, made a redirect, kept for its category, or skipped with a reason. */
  const consider = async (page: DumpPage) => {
    const path = titlePath(page.title);
    if (namespaces.names[page.namespace] === undefined && !unknownNamespaces.has(page.namespace)) {
      unknownNamespaces.add(page.namespace);
      warn(
        `pages in namespace ${page.namespace}, which <siteinfo> does not list, are left out (first: "${page.title}").`,
      );
    }
    const job = { title: page.title, path, text: page.text, namespace: page.namespace };
    if (page.namespace === CATEGORY && page.redirect === undefined) {
      const name = parseTitle(page.title, namespaces).name;
      for (const parent of categoriesOf(page.text, namespaces)) categories.addSubcategory(parent, name);
      // Only a category with members gets a page; its own text goes on top of the list.
      if (scan.titles.has(page.title) && page.text.trim() !== '' && !page.tooLarge) await window.add(job);
      return;
    }
    if (!included.has(page.namespace)) return;
    const problem = titlePathProblem(path);
    if (problem) return skip(page.title, `its title cannot be a path in the bundle (${problem})`);
    if (page.redirect !== undefined) {
      if (!scan.titles.has(page.title)) return; // its target is not in the bundle
      const parsed = parseTitle(page.redirect, namespaces);
      const target = titlePath(fullTitle(parsed, namespaces));
      const section = parsed.fragment ? `#${anchorOf(parsed.fragment)}` : '';
      if (!titlePathProblem(target)) assembler.addRedirect(path, target + section, page.title);
      return;
    }
    if (page.tooLarge) return skip(page.title, 'its text is larger than 8 MB');
    if (!isPackedPage(page, included)) return skip(page.title, 'it has no text');
    await window.add(job);
  };

  try {
    await assembler.addAsset(STYLESHEET_PATH, Buffer.from(STYLESHEET), 'text/css');
    const dump = await openDump(options.dump, options.bzip2);
    const report = progress('packing');
    try {
      for await (const event of readDump(dump)) {
        if (event.type !== 'page') continue;
        await consider(event.page);
        report(dump.bytesRead(), dump.size, rendered, scan.pages);
      }
    } catch (error) {
      if (!(error instanceof DumpDamagedError) || !partial) throw error;
    }
    await window.finish();
    for (const [kind, count] of skippedBy) {
      if (count > NAMED_SKIPS) warn(`… and ${count - NAMED_SKIPS} more pages skipped: ${kind}.`);
    }

    const site = { siteName: metadata.title, language: htmlLanguage, mainPath };
    await addCategoryPages(
      assembler,
      categories.pages(site, namespaces, (title) => scan.titles.has(title)),
    );
    const bytesOut = await assembler.finish(metadata, mainPath, illustration);
    return {
      output: options.output,
      name: metadata.name,
      ...assembler.counts,
      articles: rendered,
      categories: categories.size,
      templates: { inDump: scan.templates.keys.length, totals: pool.counts.totals(), top: pool.counts.top(20) },
      bytesIn: scan.damage ? dump.bytesRead() : dump.size,
      bytesOut,
      seconds: (performance.now() - started) / 1000,
      skipped,
      skippedCount,
    };
  } catch (error) {
    await assembler.abort();
    throw error;
  } finally {
    categories.close();
    await pool.close();
  }
}
